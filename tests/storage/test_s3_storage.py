"""PrivateS3Storage against a real S3 server: bytes back exactly, the Storage calls the photos use,
errors as on disk, no URL unless asked by name."""
import datetime
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import timezone

from vssid.core.storage import PrivateFileSystemStorage, PrivateS3Storage, StorageUnavailable, signed_url_for

from .conftest import use_s3_storage

# Every byte value, the JPEG and PNG magic numbers, a NUL run, CR/LF pairs and invalid UTF-8:
# anything that a text mode, a newline translation or a decoding step would change.
AWKWARD_BYTES = bytes(range(256)) + b"\xff\xd8\xff\xe0" + b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"\r\n\n\r" + b"\xc3\x28"


def test_bytes_come_back_exactly(s3_storage):
    payload = AWKWARD_BYTES + os.urandom(1_500_000)  # larger than one read buffer
    name = s3_storage.save("photos/exact.bin", ContentFile(payload))
    assert name == "photos/exact.bin"
    with s3_storage.open(name, "rb") as stored:
        assert stored.read() == payload
    assert s3_storage.size(name) == len(payload)


def test_exists_listdir_modified_time_and_delete(s3_storage):
    before = timezone.now().replace(microsecond=0)  # S3 dates have whole seconds
    s3_storage.save("photos/a.jpg", ContentFile(b"a"))
    s3_storage.save("photos/b.jpg", ContentFile(b"b"))
    s3_storage.save("pdf/c.pdf", ContentFile(b"c"))
    assert s3_storage.exists("photos/a.jpg") and not s3_storage.exists("photos/none.jpg")
    assert s3_storage.listdir("photos") == ([], ["a.jpg", "b.jpg"])
    assert s3_storage.listdir("") == (["pdf", "photos"], [])
    assert s3_storage.listdir("nothing-here") == ([], [])  # what sweep_orphan_files meets first

    modified = s3_storage.get_modified_time("photos/a.jpg")
    assert modified.tzinfo is not None  # compared with timezone.now() by the sweep
    assert before - datetime.timedelta(minutes=5) <= modified <= timezone.now() + datetime.timedelta(minutes=5)

    s3_storage.delete("photos/a.jpg")
    assert not s3_storage.exists("photos/a.jpg")
    assert s3_storage.listdir("photos") == ([], ["b.jpg"])
    s3_storage.delete("photos/a.jpg")  # deleting twice is no error, as purge_photo may


def test_a_taken_name_gets_a_new_one_instead_of_replacing_the_file(s3_storage):
    first = s3_storage.save("photos/same.jpg", ContentFile(b"first"))
    second = s3_storage.save("photos/same.jpg", ContentFile(b"second"))
    assert first == "photos/same.jpg" and second != first and second.startswith("photos/same")
    assert s3_storage.open(first).read() == b"first" and s3_storage.open(second).read() == b"second"


def test_a_missing_object_is_file_not_found_as_on_disk(s3_storage):
    for operation in (s3_storage.open, s3_storage.size, s3_storage.get_modified_time):
        with pytest.raises(FileNotFoundError):
            operation("photos/missing.jpg")


def test_files_land_in_the_bucket_under_the_configured_folder(s3_storage, bucket_keys):
    s3_storage.save("photos/here.jpg", ContentFile(b"x"))
    assert bucket_keys() == ["photos/here.jpg"]


def test_opening_for_writing_is_refused(s3_storage):
    with pytest.raises(ValueError):
        s3_storage.open("photos/new.jpg", "wb")


def test_url_is_refused_in_both_private_storages(s3_storage, tmp_path):
    for storage in (s3_storage, PrivateFileSystemStorage(location=tmp_path)):
        with pytest.raises(ValueError, match="no URL"):
            storage.url("photos/any.jpg")


def test_only_the_s3_storage_signs_urls(s3_storage, tmp_path):
    assert signed_url_for(PrivateFileSystemStorage(location=tmp_path), "photos/any.jpg") is None
    assert signed_url_for(s3_storage, "photos/any.jpg").startswith(s3_storage.endpoint_url)


def test_a_wrong_secret_key_fails_every_operation(settings, seaweed, s3_storage, s3_prefix):
    """SeaweedFS checks signatures: with the right key id and a wrong secret nothing goes through,
    and the failure is an OSError, as a broken disk's, never a quiet "does not exist"."""
    name = s3_storage.save("photos/kept.jpg", ContentFile(b"kept"))
    wrong = use_s3_storage(settings, seaweed, s3_prefix, secret_key="not-the-secret")
    with pytest.raises(StorageUnavailable, match="SignatureDoesNotMatch"):
        wrong.open(name)
    for operation in (wrong.open, wrong.exists, wrong.size, wrong.get_modified_time, wrong.delete, wrong.listdir):
        with pytest.raises(StorageUnavailable, match="SignatureDoesNotMatch|403"):  # HEAD: no body, no code
            operation(name)
    with pytest.raises(StorageUnavailable, match="SignatureDoesNotMatch|403"):
        wrong.save("photos/new.jpg", ContentFile(b"new"))
    assert issubclass(StorageUnavailable, OSError)
    assert seaweed.client().get_object(Bucket=seaweed.bucket, Key=f"{s3_prefix}/{name}")["Body"].read() == b"kept"


def test_an_unknown_key_id_is_refused(settings, seaweed, s3_prefix):
    storage = use_s3_storage(settings, seaweed, s3_prefix, access_key="NOSUCHKEY")
    with pytest.raises(StorageUnavailable):
        storage.save("photos/x.jpg", ContentFile(b"x"))


def test_a_bucket_that_does_not_exist_is_unavailable_not_missing_files(settings, seaweed, s3_prefix):
    storage = use_s3_storage(settings, seaweed, s3_prefix, bucket_name="no-such-bucket")
    with pytest.raises(StorageUnavailable):
        storage.save("photos/x.jpg", ContentFile(b"x"))


def test_a_server_that_does_not_answer_is_unavailable(settings, seaweed, s3_prefix):
    from tests.support.processes import free_port

    storage = use_s3_storage(settings, seaweed, s3_prefix, endpoint_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StorageUnavailable, match="did not answer"):
        storage.exists("photos/x.jpg")


@pytest.mark.parametrize("option", ["file_overwrite", "default_acl", "querystring_auth", "custom_domain",
                                    "signature_version"])
def test_the_safety_options_cannot_be_configured_away(seaweed, option):
    with pytest.raises(ImproperlyConfigured, match=option):
        PrivateS3Storage(**seaweed.storage_options(**{option: "public-read"}))


def test_the_storage_ignores_djangos_aws_settings_and_environment(settings, seaweed, monkeypatch):
    """django-storages also reads AWS_* settings and environment variables; this storage is
    configured by its OPTIONS (settings.py's VSSID_S3_*) alone."""
    settings.AWS_S3_FILE_OVERWRITE = True
    settings.AWS_DEFAULT_ACL = "public-read"
    settings.AWS_S3_ACCESS_KEY_ID = "FROM-DJANGO-SETTINGS"
    settings.AWS_S3_ADDRESSING_STYLE = "virtual"
    monkeypatch.setenv("AWS_S3_SECRET_ACCESS_KEY", "from-the-environment")
    storage = PrivateS3Storage(bucket_name=seaweed.bucket)
    assert (storage.file_overwrite, storage.default_acl, storage.addressing_style) == (False, None, "path")
    assert (storage.access_key, storage.secret_key, storage.presign_seconds) == (None, None, 60)
