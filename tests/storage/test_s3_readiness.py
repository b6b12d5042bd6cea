"""/readyz with the private storage in a real S3 server (SeaweedFS): ready when the bucket takes a
file, not ready for each way an upload would fail."""
import pytest

from tests.support.processes import free_port

from .conftest import use_s3_storage

pytestmark = pytest.mark.django_db


def test_ready_when_the_bucket_takes_a_file_and_the_probe_is_removed(client, s3_storage, bucket_keys):
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})
    assert bucket_keys() == []


@pytest.mark.parametrize("broken", [
    {"secret_key": "not-the-secret"},
    {"access_key": "NOSUCHKEY"},
    {"bucket_name": "no-such-bucket"},  # a HEAD would say "no such file" here; the probe writes
    "no server",
])
def test_not_ready_when_the_bucket_cannot_take_a_file(client, settings, seaweed, s3_prefix, broken):
    if broken == "no server":
        broken = {"endpoint_url": f"http://127.0.0.1:{free_port()}"}
    use_s3_storage(settings, seaweed, s3_prefix, **broken)
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "failed": ["storage"]})
