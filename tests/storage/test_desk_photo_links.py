"""Officers see photos kept in the bucket through signed links to the encrypted objects: the desk's
page hands the browser a link, the photo's data key and its label; what the link serves is
ciphertext that only that key opens. Anything else (the file system, photos stored before
encryption) is streamed by the desk's view as before. The browser half is
tests/browser/test_desk_photos_from_s3.py."""
import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.urls import reverse

from tests.desk.conftest import HANOI_B, logged_in, make_declaration, offices  # noqa: F401 (fixtures)
from tests.support import images
from tests.support.seaweed import ADMIN_ACCESS_KEY, ADMIN_SECRET_KEY
from vssid.core import crypto
from vssid.desk import officers
from vssid.desk.models import AuditEvent
from vssid.photos.kinds import PhotoKind
from vssid.photos.selectors import open_photo, sealed_photo_link
from vssid.photos.services import photo_label, purge_photo, store_photo

from .conftest import use_s3_storage

pytestmark = pytest.mark.django_db

KINDS = ("portrait", "id_front", "id_back")
JPEG_START = b"\xff\xd8\xff"
SEALING_BYTES = 12 + 16  # nonce and tag around the ciphertext


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def officer_of(office, username="can.bo.anh"):
    return officers.create_officer(username=username, password="Quay-tiep-nhan-2025", office=office,
                                   role="officer", full_name="Cán bộ xem ảnh")


def sealed_photos() -> dict:
    """Three photos through store_photo: encrypted, in the private storage configured now."""
    return {"portrait": store_photo(images.make_portrait_jpeg(), PhotoKind.PORTRAIT),
            "id_front": store_photo(images.make_card_jpeg(seed=81), PhotoKind.ID_FRONT),
            "id_back": store_photo(images.make_card_jpeg(seed=82), PhotoKind.ID_BACK)}


@pytest.fixture
def sealed_declaration(make_declaration):
    """A sent declaration with encrypted photos on the file system (the suite's default)."""
    return make_declaration(**sealed_photos())


@pytest.fixture
def sealed_declaration_in_s3(settings, seaweed, s3_prefix, make_declaration):
    """The same in the bucket, with links living 30 s."""
    use_s3_storage(settings, seaweed, s3_prefix, presign_seconds=30)
    return make_declaration(**sealed_photos())


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PhotoMarkup(HTMLParser):
    """The elements carrying sealed links, and the images shown with script on (outside <noscript>)."""

    def __init__(self):
        super().__init__()
        self.sealed: list[dict] = []
        self.images: list[dict] = []
        self.scripts: list[str] = []
        self._noscript = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "noscript":
            self._noscript += 1
        elif "data-sealed-url" in attrs:
            self.sealed.append(attrs)
        elif tag == "img" and not self._noscript:
            self.images.append(attrs)
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "noscript":
            self._noscript -= 1


def markup_of(response) -> PhotoMarkup:
    parser = PhotoMarkup()
    parser.feed(response.content.decode())
    return parser


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refusal:
        return refusal.code, refusal.read()


def stream_url(d, kind) -> str:
    return reverse("desk:photo", kwargs={"pk": d.pk, "kind": kind}) + f"?v={getattr(d, kind + '_id')}"


def page(client, d):
    return client.get(reverse("desk:declaration", kwargs={"pk": d.pk}))


def test_each_photo_in_the_bucket_comes_as_a_signed_link_to_ciphertext_and_its_key(
        seaweed, s3_prefix, sealed_declaration_in_s3):
    d = sealed_declaration_in_s3
    officer = officer_of(d.office)
    response = page(logged_in(officer), d)

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control  # the page carries keys
    markup = markup_of(response)
    assert markup.images == []  # nothing the browser would fetch from the desk by itself
    assert any(src.endswith("desk/photos.js") for src in markup.scripts)
    assert [holder["data-stream-url"] for holder in markup.sealed] == [stream_url(d, kind) for kind in KINDS]
    for kind, holder in zip(KINDS, markup.sealed):
        photo = getattr(d, kind)
        url = holder["data-sealed-url"]
        assert url.startswith(f"{seaweed.endpoint_url}/{seaweed.bucket}/{s3_prefix}/{photo.storage_name}?")
        assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["30"]  # VSSID_S3_PRESIGN_SECONDS

        status, served = fetch(url)
        assert status == 200
        assert not served.startswith(JPEG_START) and len(served) == photo.byte_size + SEALING_BYTES

        key = b64url_decode(holder["data-sealed-key"])
        assert holder["data-sealed-label"] == photo_label(photo.pk)
        jpeg = AESGCM(key).decrypt(served[:12], served[12:], holder["data-sealed-label"].encode())
        with open_photo(photo) as file:
            assert jpeg == file.read()
        assert jpeg.startswith(JPEG_START) and hashlib.sha256(jpeg).hexdigest() == photo.sha256

    events = AuditEvent.objects.filter(action="view_photo").order_by("id")
    assert [(e.detail, e.declaration_id, e.user_id) for e in events] == [
        (f"kind:{kind}", d.pk, officer.user_id) for kind in KINDS]
    # The key opens this photo only: another photo's label is refused.
    first, second = markup.sealed[0], markup.sealed[1]
    _status, served = fetch(second["data-sealed-url"])
    with pytest.raises(InvalidTag):
        AESGCM(b64url_decode(first["data-sealed-key"])).decrypt(served[:12], served[12:],
                                                               second["data-sealed-label"].encode())


def assert_streamed(response, d):
    markup = markup_of(response)
    assert markup.sealed == [] and "X-Amz-Signature" not in response.content.decode()
    assert [image["src"] for image in markup.images] == [stream_url(d, kind) for kind in KINDS]
    assert not AuditEvent.objects.filter(action="view_photo").exists()  # nothing issued until the images load


def test_photos_stored_before_encryption_are_streamed_not_linked(s3_storage, make_declaration):
    d = make_declaration()  # plain JPEGs in the bucket, no data key: a link would serve the picture itself
    assert not d.portrait.data_key
    assert_streamed(page(logged_in(officer_of(d.office)), d), d)


def test_on_the_file_system_the_photos_are_streamed(sealed_declaration):
    d = sealed_declaration
    assert d.portrait.data_key
    assert_streamed(page(logged_in(officer_of(d.office)), d), d)


def test_an_officer_of_another_office_gets_no_link(sealed_declaration_in_s3, offices):
    d = sealed_declaration_in_s3
    response = page(logged_in(officer_of(offices[HANOI_B], "can.bo.khac")), d)
    assert response.status_code == 404
    assert "X-Amz-Signature" not in response.content.decode() and "data-sealed" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view_photo").exists()


def test_no_link_for_a_purged_photo_or_a_key_that_is_not_configured(settings, sealed_declaration_in_s3):
    d = sealed_declaration_in_s3
    assert sealed_photo_link(d.id_back) is not None
    purge_photo(d.portrait)
    assert sealed_photo_link(d.portrait) is None
    # Sealed under a key since removed from VSSID_DATA_KEYS: the page falls back to the streaming
    # view, which reports the failure as it always did, rather than failing itself.
    settings.VSSID_DATA_KEYS = [crypto.generate_key_line("other")]
    assert sealed_photo_link(d.id_front) is None


def test_the_exported_key_is_the_data_key_of_the_header():
    header, data_key = crypto.seal_data_key()
    exported = crypto.export_data_key(header)
    assert "=" not in exported and b64url_decode(exported) == data_key


# The Content-Security-Policy lets the desk's script connect to the bucket's server, and no other.

def _policy_and_signed_origin(env: dict) -> tuple[list[str], str | None]:
    code = ("import json, django; django.setup(); from django.conf import settings as s;"
            "from django.core.files.storage import storages; from vssid.core.storage import signed_url_for;"
            "from urllib.parse import urlsplit;"
            "url = signed_url_for(storages['private'], 'photos/x.enc');"
            "print(json.dumps([s.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src'],"
            " url and '{0.scheme}://{0.netloc}'.format(urlsplit(url))]))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VSSID_", "AWS_"))}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "vssid.settings", **env})
    assert done.returncode == 0, done.stderr
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))


S3_KEYS = {"VSSID_S3_BUCKET": "vssid-files", "VSSID_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
           "VSSID_S3_SECRET_ACCESS_KEY": "not-a-real-secret"}


@pytest.mark.parametrize("env", [
    {"VSSID_S3_ENDPOINT_URL": "https://s3.dangky.example.vn"},
    {"VSSID_S3_ENDPOINT_URL": "http://127.0.0.1:8333/"},
    {"VSSID_S3_REGION": "us-east-1"},  # AWS itself: botocore's global name
    {"VSSID_S3_REGION": "ap-southeast-1"},
], ids=["endpoint", "endpoint-with-port", "aws-us-east-1", "aws-regional"])
def test_connect_src_allows_the_origin_the_links_point_at(env):
    connect_src, signed_origin = _policy_and_signed_origin({**S3_KEYS, **env})
    assert connect_src == ["'self'", signed_origin]


def test_without_a_bucket_connect_src_stays_self():
    assert _policy_and_signed_origin({}) == (["'self'"], None)


# The bucket's CORS rule (docs/storage.md) lets the desk's origin read what a link serves.

def test_the_documented_cors_rule_lets_the_desk_read_and_no_other_site(s3_storage, seaweed):
    from django.core.files.base import ContentFile

    url = s3_storage.signed_url(s3_storage.save("photos/sealed.enc", ContentFile(b"\x00" * 64)))
    desk, elsewhere = "https://dangky.example.vn", "https://elsewhere.example"
    seaweed.allow_desk_origin(desk)
    try:
        def allowed_origin(origin):
            request = urllib.request.Request(url, headers={"Origin": origin})
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.headers.get("Access-Control-Allow-Origin")

        assert allowed_origin(desk) == desk
        assert allowed_origin(elsewhere) is None  # the browser keeps the answer from that page's script
    finally:
        seaweed.client(access_key=ADMIN_ACCESS_KEY, secret_key=ADMIN_SECRET_KEY).delete_bucket_cors(Bucket=seaweed.bucket)
