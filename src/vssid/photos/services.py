"""Writes: storing an accepted photo, refusing a back that is the front again, purging.

The image work is in intake.py; this module adds the private storage and the Photo row, and keeps
the two consistent (no row without a file; a file without a row is removed when the row fails).
The file is the JPEG encrypted under a data key of its own (core.crypto), sealed in the row:
a copy of the storage alone shows no picture.
"""
from __future__ import annotations

import contextvars
import datetime
import os
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from vssid.core import crypto

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
    photo = new_photo(stream, kind)
    try:
        photo.save(force_insert=True)
    except BaseException:
        discard_unsaved(photo)
        raise
    return photo


def new_photo(stream: BinaryIO | bytes, kind: PhotoKind | str) -> Photo:
    """Check, re-encode and store the file of one upload, and return its row *unsaved*; raise
    PhotoRejected when it cannot be used.

    For callers that save several rows at once (declarations.services.attach_photos): the image
    work, nearly all of the time, then runs before any row is locked. A row that is never saved
    must be given to discard_unsaved(), or its file waits for sweep_orphan_files().
    """
    kind = PhotoKind(kind)
    prepared = prepare_photo(stream, kind)
    photo_id = uuid.uuid4()
    data_key, blob = crypto.encrypt_bytes(prepared.jpeg, label=photo_label(photo_id))
    storage = storages["private"]
    name = _save_whole_or_nothing(storage, ContentFile(blob), kind)
    try:
        photo = Photo(
            id=photo_id,
            kind=kind,
            storage_name=name,
            data_key=data_key,
            width=prepared.width,
            height=prepared.height,
            byte_size=len(prepared.jpeg),
            source_format=prepared.source_format,
            sha256=prepared.sha256,
            dhash=prepared.dhash,
            dhash256=prepared.dhash256,
        )
        # The primary key is a fresh uuid4: checking it is unused would cost a query per photo, and
        # the database refuses a duplicate anyway.
        photo.full_clean(validate_unique=False)
    except BaseException:
        storage.delete(name)
        raise
    return photo


def new_photos(uploads: Mapping[str, BinaryIO | bytes]) -> dict[str, Photo | PhotoRejected]:
    """new_photo() for the uploads of one request (kind → file), worked on together: kind → the
    unsaved row, or the refusal. Any other failure is raised once every upload is done, after the
    files already stored for the others are deleted.

    Decoding, resizing and encoding release the GIL, so photos side by side use both cores: three
    12 MP photos took 208 ms instead of 302 ms (see PHOTO_THREADS for what it costs in memory).
    """
    if len(uploads) <= 1:
        return {kind: _photo_or_refusal(stream, kind) for kind, stream in uploads.items()}
    pool = _photo_threads()
    # Each task runs in a copy of this request's context, so its log lines carry the request's id.
    futures = {kind: pool.submit(contextvars.copy_context().run, _photo_or_refusal, stream, kind)
               for kind, stream in uploads.items()}
    outcomes: dict[str, Photo | PhotoRejected] = {}
    failure: BaseException | None = None
    for kind, future in futures.items():
        try:
            outcomes[kind] = future.result()
        except BaseException as error:  # noqa: BLE001 — re-raised below, once the others are done
            failure = failure or error
    if failure is not None:
        for outcome in outcomes.values():
            if isinstance(outcome, Photo):
                discard_unsaved(outcome)
        raise failure
    return outcomes


def _photo_or_refusal(stream: BinaryIO | bytes, kind: str) -> Photo | PhotoRejected:
    try:
        return new_photo(stream, kind)
    except PhotoRejected as refusal:
        return refusal


# The threads that work on a process's photos: long-lived, so that each keeps the storage client it
# made (django-storages' S3 client is per thread) instead of making one per photo. Two: three 12 MP
# photos took 302 ms one at a time, 208 ms two at a time and 202 ms three at a time on two cores,
# and a process grew by 36, 52 and 83 MB for them (glibc keeps what was freed, for the next photo).
# intake.decoding_budget still bounds a process's pixels when large photos come together. They never
# touch the database: a connection opened on one of them would never be closed by a request's end.
PHOTO_THREADS = 2
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _photo_threads() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=PHOTO_THREADS, thread_name_prefix="photo")
        return _pool


def _forget_photo_threads() -> None:
    """In a forked child (gunicorn's workers are forked from a loaded master): the parent's threads
    did not come along, so the child starts its own when it first needs them."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_photo_threads)


def discard_unsaved(photo: Photo) -> None:
    """Delete the file of a row from new_photo() that will not be saved."""
    storages["private"].delete(photo.storage_name)


def photo_label(photo_id) -> str:
    """What a photo's file is bound to: its row, so files swapped between rows are refused."""
    return f"photos.photo|{photo_id}"


def _new_file_name() -> str:
    return f"photos/{uuid.uuid4().hex}.enc"


def _save_whole_or_nothing(storage, content: ContentFile, kind: PhotoKind) -> str:
    """Store the file under a new name, or raise PhotoRejected(NOT_STORED) leaving nothing behind.

    A full disk fails mid-write and Django's file storage leaves the part written: it is removed
    here, since no row will ever name it.
    """
    name = _new_file_name()
    try:
        return storage.save(name, content)
    except OSError as failure:
        try:
            storage.delete(name)
        except OSError:
            pass  # not there, or the storage is down altogether: sweep_orphan_files() finishes it
        raise PhotoRejected(RejectionCode.NOT_STORED, kind) from failure


def encrypt_plain_photos() -> int:
    """Encrypt the files of photos stored before encryption (no data key); returns how many.
    Each is written under a new name, the row switched to it, then the plain file deleted.
    Idempotent; ``vssid keys rotate`` runs it."""
    storage = storages["private"]
    done = 0
    for photo_id in list(Photo.objects.filter(data_key="", purged_at__isnull=True).values_list("pk", flat=True)):
        with transaction.atomic():
            photo = Photo.objects.select_for_update().filter(pk=photo_id, data_key="", purged_at__isnull=True).first()
            if photo is None:
                continue
            try:
                with storage.open(photo.storage_name, "rb") as file:
                    plain = file.read()
            except FileNotFoundError:
                continue  # nothing left to protect; purging will mark it
            data_key, blob = crypto.encrypt_bytes(plain, label=photo_label(photo.pk))
            old_name = photo.storage_name
            photo.storage_name, photo.data_key = storage.save(_new_file_name(), ContentFile(blob)), data_key
            photo.save(update_fields=["storage_name", "data_key"])
            transaction.on_commit(lambda name=old_name: storage.delete(name))
        done += 1
    return done


def hamming_distance(first_hex: str, second_hex: str) -> int:
    return (int(first_hex, 16) ^ int(second_hex, 16)).bit_count()


def is_same_picture(first: Photo, second: Photo) -> bool:
    """The same picture, possibly re-encoded or resized (not merely the same card side: two
    separate shots of one side differ more than this can tell)."""
    if first.sha256 == second.sha256:
        return True
    return hamming_distance(first.dhash256, second.dhash256) <= SAME_PICTURE_MAX_DISTANCE


def repeated_side(kind: PhotoKind | str) -> PhotoRejected:
    """The refusal of a side of the card that is the same picture as the other side (see
    is_same_picture; it works after a purge, since fingerprints stay). It names the side the citizen
    has to take again: a front uploaded again after the back is told "mặt trước giống hệt mặt sau".
    Which side that is, declarations.services.attach_photos decides."""
    if kind == PhotoKind.ID_FRONT:
        return PhotoRejected(RejectionCode.SAME_AS_BACK, PhotoKind.ID_FRONT)
    return PhotoRejected(RejectionCode.SAME_AS_FRONT, PhotoKind.ID_BACK)


def purge_photo(photo: Photo) -> None:
    """Delete the picture itself, keep its fingerprints (size, hashes) and mark when. Idempotent."""
    if photo.is_purged:
        return
    storages["private"].delete(photo.storage_name)
    photo.purged_at = timezone.now()
    photo.save(update_fields=["purged_at"])


def delete_photo(photo: Photo) -> None:
    """Delete the picture and its row: a draft's photo that was replaced, or whose draft was
    abandoned. Nothing was decided on it, so no fingerprint needs keeping."""
    if not photo.is_purged:
        storages["private"].delete(photo.storage_name)
    photo.delete()


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
