"""Cards read from a QR text or a photo, by the same parser and scanner as the web and `vssid card`."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support import card_photos
from tests.support.images import make_card_jpeg
from vssid.cards.qr import parse_card_qr

from .helpers import BASE, codes

pytestmark = pytest.mark.django_db

CCCD_QR = "001190012345||Trần Thị Bình|15031990|Nữ|Hà Nội|01022021"
BHYT_QR = "0120878811|5472e1baa76e|1952|1|-|01 - 009|-|-|-|-|-|4|-|-|$"


def parse(client, text, **extra):
    return client.post(f"{BASE}/cards/parse", {"text": text}, content_type="application/json", **extra)


def test_a_cccd_code_answers_its_fields(client):
    response = parse(client, CCCD_QR)
    assert response.status_code == 200
    assert response.json() == parse_card_qr(CCCD_QR).to_json_dict()
    assert response.json()["kind"] == "cccd" and response.json()["date_of_birth"] == "1990-03-15"


def test_a_bhyt_code_answers_its_fields(client):
    response = parse(client, BHYT_QR)
    assert response.status_code == 200
    assert response.json() == parse_card_qr(BHYT_QR).to_json_dict()
    assert response.json()["date_of_birth"] == "1952"  # only the year is on this card


@pytest.mark.parametrize("text,code", [
    ("", "qr_empty"),
    ("hello", "qr_unknown_kind"),
    (CCCD_QR.replace("ầ", "\ufffd"), "qr_encoding"),
    (CCCD_QR.replace("|Nữ|", "|Nam|"), "cccd_qr_id_number_mismatch"),
])
def test_a_refusal_answers_the_rules_code_and_never_echoes_the_card(client, text, code):
    response = parse(client, text)
    assert response.status_code == 422
    assert codes(response) == [("text", code)]
    body = response.content.decode()
    assert "001190012345" not in body and "Bình" not in body


def test_the_text_is_required_and_bounded(client):
    assert codes(client.post(f"{BASE}/cards/parse", {}, content_type="application/json")) == [("text", "required")]
    too_long = parse(client, "1" * 7090)
    assert too_long.status_code == 422 and codes(too_long) == [("text", "too_long")]


def test_parsing_is_rate_limited_per_client(client, settings):
    settings.VSSID_API_RATES = {"parse_card": "2/h"}
    assert parse(client, CCCD_QR).status_code == 200
    assert parse(client, CCCD_QR).status_code == 200
    refused = parse(client, CCCD_QR)
    assert refused.status_code == 429 and codes(refused) == [(None, "rate_limited")]
    assert 0 < int(refused["Retry-After"]) <= 3600
    # another client is counted apart
    assert parse(client, CCCD_QR, REMOTE_ADDR="198.51.100.20").status_code == 200


# --- from a photo -------------------------------------------------------------------------------

def scan(client, data: bytes, **extra):
    return client.post(f"{BASE}/cards/scan", {"photo": SimpleUploadedFile("the.jpg", data, "image/jpeg")}, **extra)


def test_a_photo_of_a_card_answers_the_cards_fields(client):
    photo = card_photos.card_photo_jpeg(CCCD_QR, card_photos.PhoneLook(rotation=12))
    response = scan(client, photo)
    assert response.status_code == 200, response.content
    assert response.json() == parse_card_qr(CCCD_QR).to_json_dict()


def test_a_photo_without_a_code_says_so(client):
    response = scan(client, make_card_jpeg(seed=1))
    assert response.status_code == 422 and codes(response) == [("photo", "no_qr_code")]


def test_a_code_that_is_not_a_cards_answers_the_parsers_code(client):
    photo = card_photos.card_photo_jpeg("https://example.vn/not-a-card", card_photos.PhoneLook())
    response = scan(client, photo)
    assert response.status_code == 422 and codes(response) == [("photo", "qr_unknown_kind")]
    assert "example.vn" not in response.content.decode()


def test_a_file_that_is_not_a_picture_is_refused_like_an_upload(client):
    response = scan(client, b"%PDF-1.7")
    assert response.status_code == 422 and codes(response) == [("photo", "wrong_type")]


def test_a_photo_over_the_limit_is_a_413(client, settings):
    settings.VSSID_PHOTO_MAX_BYTES = 1024 * 1024
    response = scan(client, b"\xff\xd8\xff" + bytes(1024 * 1024))
    assert response.status_code == 413 and codes(response) == [("photo", "too_large")]
    unread = client.post(f"{BASE}/cards/scan", b"", content_type="multipart/form-data; boundary=x",
                         CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert unread.status_code == 413 and codes(unread) == [(None, "request_too_large")]


def test_the_photo_is_required(client):
    response = client.post(f"{BASE}/cards/scan", {"other": "x"})
    assert response.status_code == 422 and codes(response) == [("photo", "required")]


def test_scanning_is_rate_limited_per_client(client, settings):
    settings.VSSID_API_RATES = {"scan_card": "1/h"}
    scan(client, b"%PDF")
    refused = scan(client, b"%PDF")
    assert refused.status_code == 429 and codes(refused) == [(None, "rate_limited")]
