"""Writes: storing an accepted photo, refusing a back that is the front again, purging.

The image work is in intake.py; this module adds the private storage and the Photo row, and keeps
the two consistent (no row without a file; a file without a row is removed when the row fails).
"""
from __future__ import annotations

import logging
import uuid
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from .errors import PhotoRejected, RejectionCode
from .intake import prepare_photo
from .kinds import PhotoKind
from .models import Photo

logger = logging.getLogger(__name__)

# Two pictures are "the same" when their 256-bit dHashes differ in at most this many bits.
# Measured (tests/photos/test_fingerprints.py): the same picture re-encoded as JPEG q50–95 or
# WebP, shrunk, brightened 15 % or contrast-reduced 20 % moves ≤ 14 bits; two different cards
# photographed at the same spot on the same table differ by ≥ 33. 24 sits in between. The 64-bit
# dHash cannot make that call: for cards on a table both sets overlapped at 4 bits, because the
# table's edges dominate so coarse a thumbnail.
SAME_PICTURE_MAX_DISTANCE = 24


def store_photo(stream: BinaryIO | bytes, kind: PhotoKind | str) -> Photo:
    """Check, re-encode and store one upload; raise PhotoRejected when it cannot be used.

    The file goes to the private storage under a random name; the row is created after it, and if
    that fails the file is deleted again so no unreferenced picture of a citizen stays behind.
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
    """Refuse a back that is the front's picture again (works after a purge: fingerprints stay)."""
    if is_same_picture(front, back):
        raise PhotoRejected(RejectionCode.SAME_AS_FRONT, PhotoKind.ID_BACK)


def purge_photo(photo: Photo) -> None:
    """Delete the picture itself, keep its fingerprints (size, hashes) and mark when. Idempotent."""
    if photo.is_purged:
        return
    storages["private"].delete(photo.storage_name)
    photo.purged_at = timezone.now()
    photo.save(update_fields=["purged_at"])
