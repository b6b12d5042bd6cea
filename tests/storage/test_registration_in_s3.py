"""A whole registration with the private storage in the bucket: the citizen's three photos land
there, the pages show them back, and /readyz tells whether the bucket takes files."""
import hashlib

import pytest
from django.urls import reverse

from tests.support.flow import Citizen, Walker
from vssid.declarations.models import Declaration

from .conftest import use_s3_storage

pytestmark = pytest.mark.django_db

KINDS = ("portrait", "id_front", "id_back")


@pytest.fixture
def walker(client, demo_people):
    from vssid.places.models import Commune

    commune = Commune.objects.filter(province_id="01").order_by("code").first()
    return Walker(client, Citizen(commune=commune.code))


def test_a_registration_stores_its_photos_in_the_bucket(s3_storage, walker, bucket_keys):
    walker.fill_declaration()
    sent = walker.submit()

    declaration = Declaration.objects.get()
    assert sent.status_code == 302 and declaration.status == Declaration.Status.SUBMITTED
    photos = [getattr(declaration, kind) for kind in KINDS]
    assert bucket_keys("photos/") == sorted(photo.storage_name for photo in photos)


def test_the_photos_step_shows_each_picture_back_from_the_bucket(s3_storage, walker):
    walker.fill_declaration(until="office")
    declaration = Declaration.objects.get()
    for kind in KINDS:
        response = walker.client.get(reverse("declarations:photo", kwargs={"kind": kind}))
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == getattr(declaration, kind).sha256


def test_ready_when_the_bucket_takes_files(s3_storage, client, bucket_keys):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}
    assert bucket_keys() == []  # the probe cleaned up after itself


def test_not_ready_when_the_bucket_refuses_our_key(settings, seaweed, s3_prefix, client):
    use_s3_storage(settings, seaweed, s3_prefix, secret_key="not-the-secret")
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable", "failed": ["storage"]}
