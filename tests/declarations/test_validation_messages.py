"""Each rule's message reaches the page: in the summary, linked to its field, and beside the field,
with the answers kept."""
import html
import re

import pytest
from django.urls import reverse

from vssid.cards.messages import MESSAGES

pytestmark = pytest.mark.django_db


def _message(code, **params):
    text = MESSAGES[code]
    return text % params if params else text


# (step, field changed → bad value, field the error belongs to, the expected message)
CASES = [
    ("personal", {"full_name": ""}, "full_name", _message("full_name_required")),
    ("personal", {"full_name": "Nguyễn Văn 3"}, "full_name", _message("full_name_digits")),
    ("personal", {"full_name": "A"}, "full_name", _message("full_name_too_short")),
    ("personal", {"full_name": "Trần " * 30}, "full_name", None),  # too long: carries its counts
    ("personal", {"dob_day": "", "dob_month": "", "dob_year": ""}, "dob_day", _message("date_required")),
    ("personal", {"dob_month": ""}, "dob_month", _message("date_month_missing")),
    ("personal", {"dob_year": "90"}, "dob_year", _message("date_year_format")),
    ("personal", {"dob_month": "13"}, "dob_month", _message("date_month_invalid")),
    ("personal", {"dob_day": "31", "dob_month": "2"}, "dob_day", _message("date_not_a_date", day=31, month=2, year=1990)),
    ("personal", {"dob_year": "2999"}, "dob_day", _message("date_in_future")),
    ("personal", {"sex": ""}, "sex", "Chọn giới tính"),
    ("social-insurance-number", {"social_insurance_number": ""}, "social_insurance_number",
     _message("social_insurance_number_required")),
    ("social-insurance-number", {"social_insurance_number": "01234 5678"}, "social_insurance_number",
     _message("social_insurance_number_length", count=9)),
    ("social-insurance-number", {"social_insurance_number": "HS4010120878811"}, "social_insurance_number",
     _message("social_insurance_number_is_bhyt_card", number="0120878811")),
    ("id-document", {"id_document_type": ""}, "id_document_type", _message("id_document_type")),
    ("id-document", {"id_document_number": "00119001234"}, "id_document_number", _message("cccd_length", count=11)),
    ("id-document", {"id_document_number": "001090012345"}, "id_document_number", _message("cccd_sex_mismatch")),
    ("id-document", {"id_document_number": "001191012345"}, "id_document_number",
     _message("cccd_birth_year_mismatch", card_year=1991, declared_year=1990)),
    ("id-document", {"id_document_number": "123456789"}, "id_document_number", _message("cccd_looks_like_cmnd")),
    ("id-document", {"id_document_type": "cmnd", "id_document_number": "1234567"}, "id_document_number",
     _message("cmnd_length", count=7)),
    ("id-document", {"id_document_type": "passport", "id_document_number": "C12#4567"}, "id_document_number",
     _message("passport_characters")),
    ("province", {"address_province": ""}, "address_province", "Chọn tỉnh/thành phố nơi bạn ở"),
    ("province", {"address_province": "00"}, "address_province", "Chọn một tỉnh/thành phố trong danh sách"),
    ("address", {"address_commune": ""}, "address_commune", "Chọn xã/phường nơi bạn ở"),
    ("address", {"address_commune": "25750"}, "address_commune", "Chọn một xã/phường của tỉnh/thành phố đã chọn"),  # Phường Phú Lợi, TP Hồ Chí Minh
    ("address", {"address_street": ""}, "address_street", "Nhập số nhà, tên đường hoặc thôn/xóm"),
    ("contact", {"mobile_phone": ""}, "mobile_phone", _message("mobile_required")),
    ("contact", {"mobile_phone": "024 3825 9999"}, "mobile_phone", _message("mobile_landline")),
    ("contact", {"email": "binh@"}, "email", None),
]


def _open(walker, slug):
    walker.start()
    order = ["personal", "social-insurance-number", "id-document", "province", "address", "contact"]
    for earlier in order[: order.index(slug)]:
        assert walker.answer(earlier).status_code == 302


@pytest.mark.parametrize("slug,changes,field,expected", CASES, ids=[f"{c[0]}:{c[2]}:{i}" for i, c in enumerate(CASES)])
def test_a_bad_answer_is_explained_on_the_page(walker, slug, changes, field, expected):
    _open(walker, slug)
    response = walker.answer(slug, **changes)
    assert response.status_code == 200, "a bad answer must not move the citizen on"
    page = html.unescape(response.content.decode())
    errors = response.context["form"].errors
    assert field in errors, errors
    message = errors[field][0]
    if expected is not None:
        assert message == expected
    # the summary links to the field, and the same words stand beside it
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    anchor = response.context["form"].error_anchor.get(field, f"id_{field}")
    assert f'href="#{anchor}"' in summary and message in summary
    assert page.count(message) >= 2
    beside = re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', page, re.S)
    assert any(re.sub(r"<[^>]+>", "", b).replace("Lỗi:", "").strip() == message for b in beside)
    assert re.search(r"<title>\s*Lỗi:", page)
    # the answers typed are still in the form
    for name, value in changes.items():
        if value and name not in ("sex", "id_document_type", "address_province", "address_commune"):
            assert html.escape(value.strip(), quote=True) in response.content.decode() or value.strip() in page


def test_an_old_11_digit_mobile_gets_the_new_number_as_a_hint(walker):
    _open(walker, "contact")
    response = walker.answer("contact", mobile_phone="0162 345 6789")
    message = response.context["form"].errors["mobile_phone"][0]
    assert "032" in message


def test_ticking_email_without_an_address_asks_for_one(walker):
    walker.fill_declaration(until="office")
    office_page = walker.client.get(reverse("declarations:office"))
    office_id = office_page.context["nearest"][0][0].pk
    response = walker.client.post(reverse("declarations:office"),
                                  {"office": office_id, "email_declaration": "on", "email": ""})
    assert response.status_code == 200
    assert "Nhập email để nhận tờ khai" in response.context["form"].errors["email"][0]
    # the office chosen is still chosen
    assert f'value="{office_id}" checked' in response.content.decode()


def test_no_office_chosen_is_explained(walker):
    walker.fill_declaration(until="office")
    response = walker.client.post(reverse("declarations:office"), {})
    assert response.context["form"].errors["office"] == ["Chọn cơ quan BHXH nơi bạn sẽ đến làm thủ tục"]


def test_an_office_no_longer_valid_is_refused(walker):
    import datetime

    from vssid.places.models import Office

    walker.fill_declaration(until="office")
    retired = Office.objects.first()
    retired.valid_to = datetime.date(2025, 12, 31)
    retired.save()
    response = walker.client.post(reverse("declarations:office"), {"other_office": retired.pk})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "không còn tiếp nhận" in (errors.get("office") or errors["other_office"])[0]


def test_a_missing_photo_is_named(walker):
    from tests.support.flow import photo_files

    walker.fill_declaration(until="photos")
    response = walker.client.post(reverse("declarations:photos"), photo_files(id_back=None))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Chọn hoặc chụp ảnh mặt sau giấy tờ" in page
    # the two accepted photos are kept and previewed
    assert page.count("Đã nhận ảnh này") == 2


def test_the_same_picture_for_front_and_back_is_refused(walker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.flow import photo_files
    from tests.support.images import make_card_jpeg

    walker.fill_declaration(until="photos")
    same = make_card_jpeg(seed=1)
    response = walker.client.post(reverse("declarations:photos"), photo_files(
        id_front=SimpleUploadedFile("a.jpg", same, "image/jpeg"),
        id_back=SimpleUploadedFile("b.jpg", same, "image/jpeg"),
    ))
    assert response.status_code == 422
    assert "mặt sau" in response.content.decode().lower()
    from vssid.declarations.models import Declaration

    d = Declaration.objects.get()
    assert d.id_front is not None and d.id_back is None


def test_a_blurry_portrait_is_refused_with_how_to_retake(walker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.flow import photo_files
    from tests.support import images

    walker.fill_declaration(until="photos")
    blurry = images.encode(images.blurred(images.make_card_image(seed=3)), "JPEG")
    response = walker.client.post(reverse("declarations:photos"), photo_files(
        id_front=SimpleUploadedFile("a.jpg", blurry, "image/jpeg")))
    assert response.status_code == 422
    assert "mờ" in response.context["page_errors"][0][1]
