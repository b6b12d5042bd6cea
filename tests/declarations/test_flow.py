"""The registration flow as a citizen's browser drives it: steps, changes, deep links, sending."""
import re

import pytest
from django.urls import reverse

from vssid.declarations.models import Declaration
from vssid.declarations.reference import normalize_reference_code
from vssid.declarations.steps import STEPS

from tests.support.flow import FORM_STEPS

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"declarations:{name}", kwargs=kwargs or None)


def only_declaration():
    return Declaration.objects.get()


def test_start_page_says_what_to_prepare(client):
    page = client.get(url("start"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Mã số BHXH" in text and "Bắt đầu" in text and "10 phút" in text


def test_happy_path_ends_on_a_confirmation_with_reference_office_and_due_date(walker):
    walker.fill_declaration()
    check = walker.client.get(url("check"))
    assert check.status_code == 200
    assert "TRẦN THỊ BÌNH" in check.content.decode()
    assert "chưa được gửi" in check.content.decode()

    sent = walker.submit()
    declaration = only_declaration()
    assert sent.status_code == 302
    assert sent["Location"] == url("confirmation", token=declaration.confirmation_token)
    assert declaration.status == Declaration.Status.SUBMITTED
    assert normalize_reference_code(declaration.reference_code) == declaration.reference_code
    assert (declaration.visit_due_date - declaration.submitted_at.date()).days in (30, 31)

    page = walker.client.get(sent["Location"]).content.decode()
    grouped = f"{declaration.reference_code[:4]}-{declaration.reference_code[4:8]}-{declaration.reference_code[8:]}"
    assert grouped in page
    assert declaration.office.name in page and declaration.office.opening_hours in page
    assert declaration.visit_due_date.strftime("%d/%m/%Y") in page
    assert "bản gốc giấy tờ tùy thân" in page
    assert "<svg" in page  # the reference code's QR
    assert url("pdf", token=declaration.confirmation_token) in page


def test_answers_are_stored_normalised(walker):
    walker.fill_declaration()
    d = only_declaration()
    assert d.full_name == "Trần Thị Bình"
    assert d.mobile_phone == "+84912345678"
    assert d.id_document_number == "001190012345"
    assert str(d.date_of_birth) == "1990-03-15"
    assert d.address_commune.province_id == "01"


def test_a_step_page_without_a_draft_leads_to_the_start(client):
    for step in STEPS:
        response = client.get(url(step.slug))
        assert response.status_code == 302 and response["Location"] == url("start")
    assert client.get(url("check"))["Location"] == url("start")


@pytest.mark.parametrize("slug", [s.slug for s in STEPS[1:]] + ["check"])
def test_deep_link_to_a_later_step_leads_to_the_first_unfinished_one(walker, slug):
    walker.start()
    response = walker.client.get(url(slug))
    assert response.status_code == 302
    assert response["Location"] == url("personal")


def test_deep_link_past_the_photos_stops_at_the_photos(walker):
    walker.fill_declaration(until="photos")
    assert walker.client.get(url("check"))["Location"] == url("photos")
    assert walker.client.get(url("office"))["Location"] == url("photos")


def test_each_step_leads_to_the_next(walker):
    walker.start()
    for slug, following in zip(FORM_STEPS, FORM_STEPS[1:] + ["photos"]):
        response = walker.answer(slug)
        assert response["Location"] == url(following), slug


def test_the_draft_survives_a_closed_tab(walker, client_factory):
    walker.fill_declaration(until="province")
    reopened = client_factory()
    reopened.cookies = walker.client.cookies  # the browser keeps its session cookie
    page = reopened.get(url("personal"))
    assert page.status_code == 200
    assert 'value="Trần Thị Bình"' in page.content.decode()
    # and the start page offers to continue where it stopped
    assert "Tiếp tục tờ khai đang làm" in reopened.get(url("start")).content.decode()
    assert reopened.post(url("start"))["Location"] == url("province")


def test_change_from_check_answers_returns_to_check_answers(walker):
    walker.fill_declaration()
    response = walker.client.post(url("social-insurance-number") + "?next=check",
                                  {"social_insurance_number": "9876543210"})
    assert response["Location"] == url("check")
    assert only_declaration().social_insurance_number == "9876543210"


def test_change_links_on_check_answers_carry_the_way_back(walker):
    walker.fill_declaration()
    page = walker.client.get(url("check")).content.decode()
    for slug in ["personal", "social-insurance-number", "id-document", "province", "contact", "office", "photos"]:
        assert f'href="{url(slug)}?next=check"' in page, slug


def test_changing_the_province_asks_again_for_commune_and_office(walker):
    walker.fill_declaration()
    response = walker.client.post(url("province") + "?next=check", {"address_province": "79"})
    assert response["Location"] == url("address") + "?next=check"
    d = only_declaration()
    assert d.address_commune is None and d.office is None
    assert d.address_street == walker.citizen.street  # what still fits is kept
    from vssid.places.models import Commune

    hcm = Commune.objects.filter(province_id="79").first()
    response = walker.client.post(url("address") + "?next=check",
                                  {"address_commune": hcm.code, "address_street": walker.citizen.street})
    assert response["Location"] == url("office") + "?next=check"
    assert walker.choose_office()["Location"] in (url("check"), url("photos"))


def test_a_new_date_of_birth_reopens_a_cccd_that_no_longer_fits(walker):
    walker.fill_declaration()
    # Born in 1991: the CCCD's year digits say 90.
    response = walker.client.post(url("personal") + "?next=check", {
        "full_name": "Trần Thị Bình", "dob_day": "15", "dob_month": "3", "dob_year": "1991", "sex": "female",
    })
    assert response["Location"] == url("id-document") + "?next=check"
    page = walker.client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["form"].errors["id_document_number"]
    assert "001190012345" in page.content.decode()  # nothing typed is lost
    assert walker.client.get(url("check"))["Location"] == url("id-document")


def test_changing_the_document_type_clears_the_id_photos_but_not_the_portrait(walker):
    walker.fill_declaration()
    response = walker.client.post(url("id-document") + "?next=check",
                                  {"id_document_type": "passport", "id_document_number": "C1234567"})
    assert response["Location"] == url("photos") + "?next=check"
    d = only_declaration()
    assert d.id_front is None and d.id_back is None and d.portrait is not None


def test_sending_twice_makes_one_submission(walker):
    walker.fill_declaration()
    first = walker.submit()
    second = walker.submit()
    assert first["Location"] == second["Location"]
    assert Declaration.objects.filter(status=Declaration.Status.SUBMITTED).count() == 1


def test_back_button_after_sending_shows_the_confirmation_not_the_form(walker):
    walker.fill_declaration()
    confirmation = walker.submit()["Location"]
    for name in ["check", "personal", "photos", "office"]:
        assert walker.client.get(url(name))["Location"] == confirmation
    # a stale form posted again changes nothing
    walker.answer("social-insurance-number", social_insurance_number="1111111111")
    assert only_declaration().social_insurance_number == walker.citizen.social_insurance_number


def test_confirmation_can_be_reopened_from_a_bookmark_without_personal_data(walker, client_factory):
    walker.fill_declaration()
    confirmation = walker.submit()["Location"]
    stranger = client_factory()
    page = stranger.get(confirmation).content.decode()
    d = only_declaration()
    assert d.reference_code[:4] in page
    for personal in ["Trần Thị Bình", "TRẦN THỊ BÌNH", d.id_document_number, d.social_insurance_number, "912 345 678"]:
        assert personal not in page
    # The PDF carries personal data: only the browser that sent it gets it.
    assert stranger.get(url("pdf", token=d.confirmation_token)).status_code == 404


def test_unknown_confirmation_token_is_not_found(client):
    assert client.get(url("confirmation", token="nope")).status_code == 404


def test_the_pdf_downloads_for_the_sender(walker):
    walker.fill_declaration()
    walker.submit()
    d = only_declaration()
    response = walker.client.get(url("pdf", token=d.confirmation_token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")


def test_cancelling_a_draft_lets_the_citizen_start_again(walker):
    walker.fill_declaration(until="photos")
    assert walker.client.get(url("cancel")).status_code == 200
    walker.client.post(url("cancel"))
    assert only_declaration().status == Declaration.Status.CANCELLED
    assert walker.client.get(url("personal"))["Location"] == url("start")
    walker.start()
    assert Declaration.objects.filter(status=Declaration.Status.DRAFT).count() == 1


def test_under_15_gets_a_page_explaining_the_parent_account(walker):
    walker.start()
    response = walker.answer("personal", dob_year="2018")
    assert response["Location"] == url("under-age")
    page = walker.client.get(response["Location"]).content.decode()
    assert "Cha, mẹ hoặc người giám hộ" in page
    # the answers are kept, and the flow does not go on
    assert walker.client.get(url("social-insurance-number"))["Location"] == url("personal")


def test_no_personal_data_in_any_url_of_the_flow(walker):
    walker.fill_declaration()
    locations = [walker.submit()["Location"]]
    d = only_declaration()
    for name in ["check", "office", "photos"]:
        locations.append(walker.client.get(url(name))["Location"])
    for location in locations:
        for personal in [d.social_insurance_number, d.id_document_number, "84912345678", "Bình", "Binh"]:
            assert personal not in location


def test_email_is_queued_only_when_asked_for(walker):
    from vssid.notify.models import OutboundEmail

    walker.fill_declaration(until="office")
    walker.choose_office(email_declaration="on", email="binh.tran@example.vn")
    with_email = walker.submit()
    assert with_email.status_code == 302
    assert OutboundEmail.objects.count() == 1


def test_email_is_not_queued_without_the_tick(walker):
    from vssid.notify.models import OutboundEmail

    walker.fill_declaration()
    walker.submit()
    assert OutboundEmail.objects.count() == 0


def test_an_error_page_title_starts_with_loi(walker):
    walker.start()
    page = walker.client.post(url("personal"), {})
    title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S).group(1)
    assert title.strip().startswith("Lỗi:")


def test_a_declaration_that_disagrees_with_the_registry_is_not_sent(walker):
    walker.fill_declaration()
    walker.client.post(url("social-insurance-number") + "?next=check", {"social_insurance_number": "9876543210"})
    page = walker.submit()
    assert page.status_code == 200
    text = page.content.decode()
    assert "chưa khớp với hồ sơ BHXH" in text and "không có trong hồ sơ BHXH" in text
    assert only_declaration().status == Declaration.Status.DRAFT


def test_a_name_that_differs_from_the_registry_is_explained(walker):
    walker.fill_declaration()
    walker.client.post(url("personal") + "?next=check", {
        "full_name": "Trần Thị Hoa", "dob_day": "15", "dob_month": "3", "dob_year": "1990", "sex": "female"})
    text = walker.submit().content.decode()
    assert "Họ và tên khác với hồ sơ BHXH" in text
    assert only_declaration().status == Declaration.Status.DRAFT


def test_sending_queues_an_unaccented_sms_with_the_reference(walker):
    from vssid.declarations.reference import format_reference_code
    from vssid.notify.models import OutboundSms

    walker.fill_declaration()
    walker.submit()
    d = only_declaration()
    sms = OutboundSms.objects.get()
    assert sms.to_number == "+84912345678"
    from vssid.notify.sms_texts import declaration_submitted_text

    text = declaration_submitted_text(d)
    assert format_reference_code(d.reference_code) in text and text.isascii()
