"""Filling step 2 from a card's QR code: shown for confirmation, never silently overwriting."""
from datetime import date

import pytest
from django.urls import reverse

from vssid.cards.synthetic import build_bhyt_qr_text, build_cccd_qr_text
from vssid.declarations.models import Declaration

pytestmark = pytest.mark.django_db

CCCD_TEXT = build_cccd_qr_text(
    id_number="001190012345", full_name="Trần Thị Bình", date_of_birth=date(1990, 3, 15), sex="female",
    address="Tổ 5, Phường Hoàn Kiếm, Thành phố Hà Nội", issue_date=date(2021, 6, 1),
)
BHYT_TEXT = build_bhyt_qr_text(
    card_number="HS4010120878811", full_name="Trần Thị Bình", date_of_birth=date(1990, 3, 15), sex="female",
)


def url(name):
    return reverse(f"declarations:{name}")


def test_the_scan_page_needs_a_draft(client):
    assert client.get(url("scan"))["Location"] == url("start")


def test_a_cccd_fills_identity_and_address_after_confirmation(walker):
    walker.start()
    response = walker.client.post(url("scan"), {"text": CCCD_TEXT})
    assert response["Location"] == url("scan-confirm")
    page = walker.client.get(url("scan-confirm"))
    groups = {p.group for p in page.context["proposals"]}
    assert groups == {"full_name", "date_of_birth", "sex", "id_document", "address"}
    # nothing is stored before the citizen confirms
    assert Declaration.objects.get().full_name == ""
    walker.client.post(url("scan-confirm"), {f"use_{g}": "on" for g in groups})
    d = Declaration.objects.get()
    assert (d.full_name, str(d.date_of_birth), d.sex) == ("Trần Thị Bình", "1990-03-15", "female")
    assert (d.id_document_type, d.id_document_number) == ("cccd", "001190012345")
    assert (d.address_province_id, d.address_commune_id, d.address_street) == ("01", "00070", "Tổ 5")


def test_a_bhyt_card_fills_the_social_insurance_number(walker):
    walker.start()
    walker.client.post(url("scan"), {"text": BHYT_TEXT})
    page = walker.client.get(url("scan-confirm"))
    proposal = {p.group: p for p in page.context["proposals"]}["social_insurance_number"]
    assert proposal.shown == "0120878811"
    walker.client.post(url("scan-confirm"), {"use_social_insurance_number": "on"})
    assert Declaration.objects.get().social_insurance_number == "0120878811"


def test_a_typed_answer_that_differs_is_shown_and_not_preselected(walker):
    walker.start()
    walker.answer("personal", full_name="Trần Thị Bính")
    walker.client.post(url("scan"), {"text": CCCD_TEXT})
    page = walker.client.get(url("scan-confirm"))
    name = {p.group: p for p in page.context["proposals"]}["full_name"]
    assert name.differs and not name.preselected
    assert "Bạn đã nhập: TRẦN THỊ BÍNH" in page.content.decode()
    # confirming without ticking the name keeps what was typed
    walker.client.post(url("scan-confirm"), {"use_id_document": "on"})
    d = Declaration.objects.get()
    assert d.full_name == "Trần Thị Bính" and d.id_document_number == "001190012345"


def test_an_old_split_ward_asks_which_new_commune(walker):
    walker.start()
    text = CCCD_TEXT.replace("Tổ 5, Phường Hoàn Kiếm, Thành phố Hà Nội",
                             "Số 12 Hàng Bông, Phường Hàng Trống, Quận Hoàn Kiếm, Thành phố Hà Nội")
    walker.client.post(url("scan"), {"text": text})
    page = walker.client.get(url("scan-confirm"))
    address = {p.group: p for p in page.context["proposals"]}["address"]
    assert {code for code, _ in address.candidates} == {"00070", "00082"}
    refused = walker.client.post(url("scan-confirm"), {"use_address": "on"})
    assert refused.status_code == 200 and "Chọn xã/phường mới" in refused.content.decode()
    walker.client.post(url("scan-confirm"), {"use_address": "on", "commune": "00082"})
    assert Declaration.objects.get().address_commune_id == "00082"


def test_text_that_is_not_a_card_is_explained(walker):
    walker.start()
    page = walker.client.post(url("scan"), {"text": "https://example.vn/khong-phai-the"})
    assert page.status_code == 422
    assert page.context["error"]
    assert page.content.decode().count(page.context["error"]) >= 2  # summary and beside the field


def test_nothing_sent_asks_for_a_photo(walker):
    walker.start()
    page = walker.client.post(url("scan"), {})
    assert "Chọn hoặc chụp ảnh" in page.context["error"]


def test_live_frames_get_json(walker):
    walker.start()
    answer = walker.client.post(url("scan"), {"text": BHYT_TEXT}, HTTP_ACCEPT="application/json")
    assert answer.json() == {"next": url("scan-confirm")}
    refused = walker.client.post(url("scan"), {"text": "nope"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 422 and refused.json()["error"]


def test_the_scanned_card_is_forgotten_once_used(walker):
    walker.start()
    walker.client.post(url("scan"), {"text": BHYT_TEXT})
    walker.client.post(url("scan-confirm"), {"use_social_insurance_number": "on"})
    assert "scanned_card" not in walker.client.session
    assert walker.client.get(url("scan-confirm"))["Location"] == url("scan")


def test_a_photo_of_a_bhyt_card_is_read_without_javascript(walker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.card_photos import PhoneLook, card_photo_jpeg

    walker.start()
    photo = SimpleUploadedFile("the-bhyt.jpg", card_photo_jpeg(BHYT_TEXT, PhoneLook(rotation=17, tilt=0.05, blur=0.6), seed=3, kind="bhyt"), "image/jpeg")
    response = walker.client.post(url("scan"), {"photo": photo})
    assert response["Location"] == url("scan-confirm")
    proposals = {p.group: p for p in walker.client.get(url("scan-confirm")).context["proposals"]}
    assert proposals["social_insurance_number"].shown == "0120878811"


def test_a_photo_without_a_code_says_how_to_retake(walker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.images import make_card_jpeg

    walker.start()
    page = walker.client.post(url("scan"), {"photo": SimpleUploadedFile("x.jpg", make_card_jpeg(seed=4), "image/jpeg")})
    assert page.status_code == 422
    assert "tránh lóa" in page.context["error"]
