"""Card QR texts read by the same parser as the web and `vssid card parse`."""
import pytest

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
