"""The private storage in a real S3 server: SeaweedFS, started once for the session (~1 s)."""
import uuid

import pytest
from django.core.files.storage import storages

from tests.support.seaweed import SeaweedServer


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory):
    """A running SeaweedFS S3 gateway with the test bucket; the tests fail (never skip) when it
    cannot start."""
    server = SeaweedServer(tmp_path_factory.mktemp("seaweed"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def s3_prefix():
    """Each test stores under a folder of its own in the shared bucket, so listings don't mix."""
    return f"test-{uuid.uuid4().hex}"


def use_s3_storage(settings, seaweed, prefix, **overrides):
    """Point STORAGES["private"] at the bucket. Assigning through pytest-django's `settings` sends
    setting_changed, on which Django empties the cache of `storages`; the code under test then
    builds this storage on its next `storages["private"]`."""
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "vssid.core.storage.PrivateS3Storage",
        "OPTIONS": seaweed.storage_options(location=prefix, **overrides),
    }}
    return storages["private"]


@pytest.fixture
def s3_storage(settings, seaweed, s3_prefix):
    """The private storage, in the bucket, as settings.py configures it for VSSID_S3_BUCKET."""
    return use_s3_storage(settings, seaweed, s3_prefix)


@pytest.fixture
def bucket_keys(seaweed, s3_prefix):
    """The keys in the bucket under the test's folder, listed behind the storage's back."""
    client = seaweed.client()

    def keys(folder: str = "") -> list[str]:
        listed = client.list_objects_v2(Bucket=seaweed.bucket, Prefix=f"{s3_prefix}/{folder}")
        return sorted(entry["Key"].removeprefix(f"{s3_prefix}/") for entry in listed.get("Contents", []))

    return keys
