"""Writes: storing an accepted photo, refusing a back that is the front again, purging.

The image work is in intake.py; this module adds the private storage and the Photo row, and keeps
the two consistent (no row without a file; a file without a row is removed when the row fails).
"""
from __future__ import annotations

import datetime
import uuid
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from .errors import PhotoRejected, RejectionCode
from .intake import prepare_photo
from .kinds import PhotoKind
from .models import Photo

# Two pictures are "the same" when their 256-bit dHashes differ in at most this many bits.
# Measured (tests/photos/test_fingerprints.py has the cases): the same picture re-encoded as JPEG
# q50–95 or WebP q70, halved and recompressed, brightened 15 % or with 20 % less contrast moved
# ≤ 11 bits; 30 different cards photographed at nearly the same spot on the same table (435 pairs)
# stayed ≥ 30 apart. 20 sits in the middle. The 64-bit dHash cannot make that call: there copies
# moved ≤ 4 bits and different cards came within 7, because the table's edges dominate so coarse
# a thumbnail — so it is kept for look-ups only.
SAME_PICTURE_MAX_DISTANCE = 20


def store_photo(stream: BinaryIO | bytes, kind: PhotoKind | str) -> Photo:
    """Check, re-encode and store one upload; raise PhotoRejected when it cannot be used.

    The file goes to the private storage under a random name; the row is created after it, and if
    that fails the file is deleted again so no unreferenced picture of a citizen stays behind.
    (If the caller's transaction rolls back later, the row goes and the file stays: that is what
    sweep_orphan_files() is for.)
    """
    kind = PhotoKind(kind)
    prepared = prepare_photo(stream, kind)
    storage = storages["private"]
    name = storage.save(f"photos/{uuid.uuid4().hex}.jpg", ContentFile(prepared.jpeg))
    try:
        photo = Photo(
            kind=kind,
            storage_name=name,
            width=prepared.width,
            height=prepared.height,
            byte_size=len(prepared.jpeg),
            source_format=prepared.source_format,
            sha256=prepared.sha256,
            dhash=prepared.dhash,
            dhash256=prepared.dhash256,
        )
        photo.full_clean()
        photo.save(force_insert=True)
    except BaseException:
        storage.delete(name)
        raise
    return photo


def hamming_distance(first_hex: str, second_hex: str) -> int:
    return (int(first_hex, 16) ^ int(second_hex, 16)).bit_count()


def is_same_picture(first: Photo, second: Photo) -> bool:
    """The same picture, possibly re-encoded or resized (not merely the same card side: two
    separate shots of one side differ more than this can tell)."""
    if first.sha256 == second.sha256:
        return True
    return hamming_distance(first.dhash256, second.dhash256) <= SAME_PICTURE_MAX_DISTANCE


def ensure_distinct(front: Photo, back: Photo) -> None:
    """Refuse when the card's two sides are the same picture (works after a purge: fingerprints
    stay). The order of the arguments does not matter: the refusal names the newer of the two —
    the upload the citizen has to replace — so a front uploaded again after the back is told
    "mặt trước giống hệt mặt sau" rather than the reverse."""
    if not is_same_picture(front, back):
        return
    if front.created_at and back.created_at and front.created_at != back.created_at:
        refused = front if front.created_at > back.created_at else back
    else:  # unsaved rows or one instant: the back is the one that repeats the front
        refused = front if front.kind == PhotoKind.ID_BACK else back
    if refused.kind == PhotoKind.ID_FRONT:
        raise PhotoRejected(RejectionCode.SAME_AS_BACK, PhotoKind.ID_FRONT)
    raise PhotoRejected(RejectionCode.SAME_AS_FRONT, PhotoKind.ID_BACK)


def purge_photo(photo: Photo) -> None:
    """Delete the picture itself, keep its fingerprints (size, hashes) and mark when. Idempotent."""
    if photo.is_purged:
        return
    storages["private"].delete(photo.storage_name)
    photo.purged_at = timezone.now()
    photo.save(update_fields=["purged_at"])


def sweep_orphan_files(older_than: datetime.timedelta = datetime.timedelta(hours=1)) -> int:
    """Delete stored pictures that no Photo row names; return how many.

    They appear when a transaction that called store_photo() rolls back after the file was
    written (files are not transactional). Files younger than `older_than` are left alone: their
    upload may still be on its way to a commit. Run it from a periodic job.
    """
    storage = storages["private"]
    try:
        _, files = storage.listdir("photos")
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    known = set(Photo.objects.filter(storage_name__startswith="photos/").values_list("storage_name", flat=True))
    deleted = 0
    for filename in files:
        name = f"photos/{filename}"
        if name in known or storage.get_modified_time(name) > cutoff:
            continue
        storage.delete(name)
        deleted += 1
    return deleted
