"""Short-lived links to private objects: they open exactly one object, for a short time, and
SeaweedFS refuses them once altered or expired, as it refuses an anonymous GET."""
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile

from vssid.core.storage import MAX_PRESIGN_SECONDS

from .conftest import use_s3_storage

PICTURE = b"\xff\xd8\xff\xe0 a private picture \x00\xff"


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refusal:
        return refusal.code, refusal.read()


@pytest.fixture
def stored(s3_storage):
    return s3_storage.save("photos/private.jpg", ContentFile(PICTURE))


def test_a_signed_url_returns_the_bytes(s3_storage, stored):
    assert fetch(s3_storage.signed_url(stored)) == (200, PICTURE)


def test_a_signed_url_lives_presign_seconds_by_default(settings, seaweed, s3_prefix):
    storage = use_s3_storage(settings, seaweed, s3_prefix, presign_seconds=45)
    query = parse_qs(urlsplit(storage.signed_url("photos/x.jpg")).query)
    assert query["X-Amz-Expires"] == ["45"] and query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert parse_qs(urlsplit(storage.signed_url("photos/x.jpg", seconds=5)).query)["X-Amz-Expires"] == ["5"]


def test_the_object_is_not_readable_without_a_signature(s3_storage, seaweed, s3_prefix, stored):
    status, body = fetch(f"{seaweed.endpoint_url}/{seaweed.bucket}/{s3_prefix}/{stored}")
    assert status == 403 and PICTURE not in body
    unsigned = s3_storage.signed_url(stored).split("?")[0]
    assert fetch(unsigned)[0] == 403


def test_a_tampered_signature_is_refused(s3_storage, stored):
    url = s3_storage.signed_url(stored)
    signature = parse_qs(urlsplit(url).query)["X-Amz-Signature"][0]
    forged = "0" * len(signature) if signature[0] != "0" else "1" * len(signature)
    status, body = fetch(url.replace(signature, forged))
    assert status == 403 and PICTURE not in body


def test_a_longer_lifetime_written_into_the_url_is_refused(s3_storage, stored):
    url = s3_storage.signed_url(stored, seconds=60)
    assert fetch(url.replace("X-Amz-Expires=60", "X-Amz-Expires=3600"))[0] == 403


def test_a_url_opens_only_its_own_object(s3_storage, stored):
    s3_storage.save("photos/other.jpg", ContentFile(b"another citizen"))
    url = s3_storage.signed_url(stored)
    status, body = fetch(url.replace("/photos/private.jpg?", "/photos/other.jpg?"))
    assert status == 403 and b"another citizen" not in body


def test_an_expired_url_is_refused(s3_storage, stored):
    url = s3_storage.signed_url(stored, seconds=1)
    time.sleep(2)  # the lifetime is the thing under test, not a speed
    status, body = fetch(url)
    assert status == 403 and b"expired" in body


def test_a_url_signed_with_a_wrong_secret_is_refused(settings, seaweed, s3_prefix, stored):
    wrong = use_s3_storage(settings, seaweed, s3_prefix, secret_key="not-the-secret")
    assert fetch(wrong.signed_url(stored))[0] == 403


@pytest.mark.parametrize("seconds", [0, -1, MAX_PRESIGN_SECONDS + 1])
def test_lifetimes_outside_what_sigv4_allows_are_refused(s3_storage, seconds):
    with pytest.raises(ValueError):
        s3_storage.signed_url("photos/x.jpg", seconds=seconds)
