"""store_photo / purge_photo / open_photo: private storage and the Photo row stay consistent."""
import io
import os
import threading
import time
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.utils.module_loading import import_string
from PIL import Image

from tests.support import images
from vssid import settings as vssid_settings
from vssid.photos.errors import PhotoRejected
from vssid.photos.kinds import PhotoKind
from vssid.photos.models import Photo
from vssid.photos.selectors import open_photo
from vssid.photos import services as photo_services
from vssid.photos.services import is_same_picture, new_photos, purge_photo, store_photo, sweep_orphan_files
from vssid.core.storage import PrivateFileSystemStorage

from .helpers import stored_files

pytestmark = pytest.mark.django_db


def test_a_stored_photo_is_a_row_and_a_private_encrypted_jpeg(private_storage):
    upload = io.BytesIO(images.make_card_jpeg(seed=40))

    photo = store_photo(upload, PhotoKind.ID_FRONT)

    photo.refresh_from_db()
    assert stored_files(private_storage) == [photo.storage_name]
    with private_storage.open(photo.storage_name) as file:
        stored = file.read()
    with open_photo(photo) as file:
        content = file.read()
    assert content[:3] == b"\xff\xd8\xff" and len(content) == photo.byte_size
    # At rest: neither a JPEG nor any run of the picture's bytes.
    assert photo.data_key and not stored.startswith(b"\xff\xd8") and content[100:132] not in stored
    assert (photo.kind, photo.width, photo.height, photo.source_format) == ("id_front", 1600, 1000, "JPEG")
    assert len(photo.sha256) == 64 and len(photo.dhash) == 16 and len(photo.dhash256) == 64
    assert photo.purged_at is None


def test_the_file_name_is_random_and_unrelated_to_the_row(private_storage):
    first = store_photo(images.make_card_jpeg(seed=41), "id_front")
    second = store_photo(images.make_card_jpeg(seed=41), "id_front")

    for photo in (first, second):
        directory, name = photo.storage_name.split("/")
        assert directory == "photos" and name.endswith(".enc")
        assert uuid.UUID(name.removesuffix(".enc")).version == 4
        assert str(photo.id.hex) not in photo.storage_name
    assert first.storage_name != second.storage_name


def test_the_private_storage_class_refuses_to_make_a_url(tmp_path):
    storage = PrivateFileSystemStorage(location=tmp_path)
    name = storage.save("photos/x.jpg", ContentFile(images.make_card_jpeg(seed=42)))

    with pytest.raises(ValueError):
        storage.url(name)


def test_the_configured_private_storage_has_no_url(tmp_path):
    configured = vssid_settings.STORAGES["private"]
    storage = import_string(configured["BACKEND"])(**{**configured.get("OPTIONS", {}), "location": tmp_path})

    with pytest.raises(ValueError):
        storage.url("photos/0123456789abcdef.jpg")


@pytest.mark.parametrize(
    "data",
    [b"", images.PDF_BYTES, images.truncated(images.make_card_jpeg(seed=43)), images.png_declaring_size(100_000, 100_000)],
    ids=["empty", "pdf", "truncated-jpeg", "png-bomb"],
)
def test_a_refused_upload_leaves_neither_a_file_nor_a_row(private_storage, data):
    with pytest.raises(PhotoRejected):
        store_photo(data, PhotoKind.ID_FRONT)

    assert stored_files(private_storage) == []
    assert not Photo.objects.exists()


def test_when_the_row_cannot_be_written_the_file_is_removed(private_storage, monkeypatch):
    def failing_save(self, *args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(Photo, "save", failing_save)

    with pytest.raises(DatabaseError):
        store_photo(images.make_card_jpeg(seed=44), PhotoKind.ID_FRONT)

    assert stored_files(private_storage) == []


def three_uploads():
    return {PhotoKind.PORTRAIT: images.make_portrait_jpeg(), PhotoKind.ID_FRONT: images.make_card_jpeg(seed=45),
            PhotoKind.ID_BACK: images.make_card_jpeg(seed=46)}


def test_the_photos_of_one_upload_are_worked_on_side_by_side(private_storage, monkeypatch):
    together = threading.Barrier(2, timeout=10)  # one after another, it would break
    prepare = photo_services.prepare_photo

    def prepare_beside_the_others(stream, kind):
        if kind != PhotoKind.ID_BACK:  # the third waits for a free thread
            together.wait()
        return prepare(stream, kind)

    monkeypatch.setattr(photo_services, "prepare_photo", prepare_beside_the_others)

    outcomes = new_photos(three_uploads())

    assert {kind: type(outcome) for kind, outcome in outcomes.items()} == dict.fromkeys(three_uploads(), Photo)
    assert len(stored_files(private_storage)) == 3
    assert not Photo.objects.exists()  # rows unsaved: the caller saves them together


def test_a_refused_photo_among_others_is_told_and_the_others_are_kept(private_storage):
    uploads = {**three_uploads(), PhotoKind.ID_BACK: images.PDF_BYTES}

    outcomes = new_photos(uploads)

    assert isinstance(outcomes[PhotoKind.ID_BACK], PhotoRejected)
    assert isinstance(outcomes[PhotoKind.PORTRAIT], Photo) and isinstance(outcomes[PhotoKind.ID_FRONT], Photo)
    assert sorted(stored_files(private_storage)) == sorted(
        outcomes[kind].storage_name for kind in (PhotoKind.PORTRAIT, PhotoKind.ID_FRONT))


def test_when_one_photo_fails_unexpectedly_the_files_of_the_others_are_removed(private_storage, monkeypatch):
    prepare = photo_services.prepare_photo

    def failing_for_the_back(stream, kind):
        if kind == PhotoKind.ID_BACK:
            raise MemoryError("the decoder ran out of memory")
        return prepare(stream, kind)

    monkeypatch.setattr(photo_services, "prepare_photo", failing_for_the_back)

    with pytest.raises(MemoryError):
        new_photos(three_uploads())

    assert stored_files(private_storage) == []


def test_open_photo_returns_the_stored_bytes(private_storage):
    photo = store_photo(images.make_portrait_jpeg(), PhotoKind.PORTRAIT)

    with open_photo(photo) as file:
        picture = Image.open(io.BytesIO(file.read()))
    assert picture.format == "JPEG" and picture.size == (900, 1200)


def test_purging_removes_the_file_and_keeps_the_fingerprints(private_storage):
    photo = store_photo(images.make_card_jpeg(seed=45), PhotoKind.ID_BACK)
    fingerprints = (photo.sha256, photo.dhash, photo.dhash256, photo.width, photo.height, photo.byte_size)

    purge_photo(photo)

    photo.refresh_from_db()
    assert stored_files(private_storage) == []
    assert photo.purged_at is not None and photo.is_purged
    assert (photo.sha256, photo.dhash, photo.dhash256, photo.width, photo.height, photo.byte_size) == fingerprints
    with pytest.raises(FileNotFoundError):
        open_photo(photo)


def test_purging_twice_changes_nothing(private_storage):
    photo = store_photo(images.make_card_jpeg(seed=46), PhotoKind.ID_BACK)
    purge_photo(photo)
    first_purge = Photo.objects.get(pk=photo.pk).purged_at

    purge_photo(Photo.objects.get(pk=photo.pk))

    assert Photo.objects.get(pk=photo.pk).purged_at == first_purge


def test_purging_one_photo_leaves_the_others(private_storage):
    keep = store_photo(images.make_card_jpeg(seed=47), PhotoKind.ID_FRONT)
    drop = store_photo(images.make_card_jpeg(seed=48), PhotoKind.ID_BACK)

    purge_photo(drop)

    assert stored_files(private_storage) == [keep.storage_name]


def test_the_same_picture_as_front_and_back_is_caught_even_after_purging(private_storage):
    card = images.make_card_jpeg(seed=49)
    front = store_photo(card, PhotoKind.ID_FRONT)
    back = store_photo(card, PhotoKind.ID_BACK)
    purge_photo(front)

    assert is_same_picture(Photo.objects.get(pk=front.pk), Photo.objects.get(pk=back.pk))


def test_two_real_sides_pass_the_distinct_check(private_storage):
    front = store_photo(images.make_card_jpeg(seed=50), PhotoKind.ID_FRONT)
    back = store_photo(images.make_card_jpeg(seed=51), PhotoKind.ID_BACK)

    assert not is_same_picture(front, back)


def test_a_file_left_by_a_rolled_back_transaction_is_swept_once_old(private_storage):
    from django.db import transaction

    kept = store_photo(images.make_card_jpeg(seed=54), PhotoKind.ID_FRONT)
    with pytest.raises(RuntimeError), transaction.atomic():
        store_photo(images.make_card_jpeg(seed=55), PhotoKind.ID_BACK)
        raise RuntimeError("the declaration could not be saved")
    assert Photo.objects.count() == 1 and len(stored_files(private_storage)) == 2  # the orphan

    assert sweep_orphan_files() == 0  # too young: it might be an upload about to commit
    for name in stored_files(private_storage):
        an_hour_and_more_ago = time.time() - 2 * 3600
        os.utime(private_storage.path(name), (an_hour_and_more_ago, an_hour_and_more_ago))

    assert sweep_orphan_files() == 1
    assert stored_files(private_storage) == [kept.storage_name]


def test_sweeping_an_empty_storage_does_nothing(private_storage):
    assert sweep_orphan_files() == 0
