"""The photos' whole life in the bucket: stored, read back, purged, orphans swept; and a storage
that refuses the upload is a refusal the citizen can read, not a server error."""
import datetime
import hashlib

import pytest

from tests.support import images
from vssid.photos.errors import PhotoRejected, RejectionCode
from vssid.photos.kinds import PhotoKind
from vssid.photos.models import Photo
from vssid.photos.selectors import open_photo
from vssid.photos.services import purge_photo, store_photo, sweep_orphan_files

from .conftest import use_s3_storage

pytestmark = pytest.mark.django_db


def test_a_stored_photo_is_an_object_in_the_bucket_and_reads_back(s3_storage, seaweed, s3_prefix, bucket_keys):
    photo = store_photo(images.make_card_jpeg(seed=70), PhotoKind.ID_FRONT)

    assert bucket_keys("photos/") == [photo.storage_name]
    in_bucket = seaweed.client().get_object(Bucket=seaweed.bucket, Key=f"{s3_prefix}/{photo.storage_name}")
    with s3_storage.open(photo.storage_name) as file:
        assert file.read() == in_bucket["Body"].read()  # the storage hands back what is there
    with open_photo(photo) as file:
        jpeg = file.read()
    assert jpeg[:3] == b"\xff\xd8\xff" and len(jpeg) == photo.byte_size
    assert hashlib.sha256(jpeg).hexdigest() == photo.sha256


def test_purging_deletes_the_object_and_keeps_the_row(s3_storage, bucket_keys):
    photo = store_photo(images.make_portrait_jpeg(), PhotoKind.PORTRAIT)
    other = store_photo(images.make_card_jpeg(seed=71), PhotoKind.ID_BACK)

    purge_photo(photo)

    assert bucket_keys("photos/") == [other.storage_name]
    photo.refresh_from_db()
    assert photo.is_purged and photo.sha256
    with pytest.raises(FileNotFoundError):
        open_photo(photo)
    purge_photo(photo)  # idempotent


def test_an_orphan_object_is_swept_once_old_enough(s3_storage, bucket_keys):
    from django.db import transaction

    kept = store_photo(images.make_card_jpeg(seed=72), PhotoKind.ID_FRONT)
    with pytest.raises(RuntimeError), transaction.atomic():
        store_photo(images.make_card_jpeg(seed=73), PhotoKind.ID_BACK)
        raise RuntimeError("the declaration could not be saved")
    assert Photo.objects.count() == 1 and len(bucket_keys("photos/")) == 2

    assert sweep_orphan_files() == 0  # an hour has not passed: it may be an upload about to commit
    # Object dates cannot be set back as a file's can: move the cut-off instead.
    assert sweep_orphan_files(older_than=datetime.timedelta(0)) == 1
    assert bucket_keys("photos/") == [kept.storage_name]


def test_sweeping_an_empty_bucket_folder_does_nothing(s3_storage):
    assert sweep_orphan_files(older_than=datetime.timedelta(0)) == 0


def test_a_storage_that_refuses_the_upload_is_a_readable_refusal(settings, seaweed, s3_prefix, bucket_keys):
    use_s3_storage(settings, seaweed, s3_prefix, secret_key="not-the-secret")

    with pytest.raises(PhotoRejected) as refused:
        store_photo(images.make_card_jpeg(seed=74), PhotoKind.ID_FRONT)

    assert refused.value.code == RejectionCode.NOT_STORED
    assert not Photo.objects.exists() and bucket_keys() == []
