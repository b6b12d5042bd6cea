"""A draft through the API: created with a token, answered step by step through the web's own forms."""
import hashlib

import pytest

from vssid.cards.messages import MESSAGES
from vssid.declarations.models import Declaration

from .helpers import BASE, codes

pytestmark = pytest.mark.django_db

SLUGS = ["personal", "social-insurance-number", "id-document", "province", "address", "contact", "photos", "office"]


def only_declaration():
    return Declaration.objects.get()


def step(state, slug):
    return next(s for s in state["steps"] if s["step"] == slug)


# --- creating and reading -----------------------------------------------------------------------

def test_creating_a_draft_answers_its_token_and_its_empty_state(app):
    response = app.start()
    body = response.json()
    assert len(body["token"]) >= 43
    state = body["declaration"]
    assert state["status"] == "draft" and state["reference_code"] is None
    assert [s["step"] for s in state["steps"]] == SLUGS
    assert state["next_step"] == "personal"
    assert [s["open"] for s in state["steps"]] == [True] + [False] * 7
    assert all(not s["complete"] and s["errors"] == [] for s in state["steps"])
    assert app.get("/declarations/current").json() == state


def test_only_a_hash_of_the_token_is_stored(app):
    token = app.start().json()["token"]
    declaration = only_declaration()
    assert declaration.api_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Declaration.objects.values().get())


def test_a_draft_takes_the_requests_language(app):
    app.client.post(f"{BASE}/declarations", HTTP_ACCEPT_LANGUAGE="en")
    assert only_declaration().language == "en"


def test_draft_creation_is_rate_limited_per_client(app, settings):
    settings.VSSID_API_RATES = {"create_draft": "2/h"}
    app.start()
    app.start()
    refused = app.post("/declarations")
    assert refused.status_code == 429 and codes(refused) == [(None, "rate_limited")]
    assert int(refused["Retry-After"]) > 0
    assert Declaration.objects.count() == 2


def test_one_drafts_token_reads_no_other_draft(app, client_factory):
    app.start()
    app.patch({"full_name": "Trần Thị Bình", "date_of_birth": "1990-03-15", "sex": "female"})
    other = type(app)(client_factory())
    other.start()
    assert other.get("/declarations/current").json()["answers"]["full_name"] == ""


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


# --- answering ----------------------------------------------------------------------------------

def test_all_six_form_steps_in_one_patch_are_stored_normalised(answered):
    state = answered.get("/declarations/current").json()
    assert [step(state, slug)["complete"] for slug in SLUGS] == [True] * 6 + [False, False]
    assert state["next_step"] == "photos"
    d = only_declaration()
    assert d.full_name == "Trần Thị Bình"
    assert str(d.date_of_birth) == "1990-03-15"
    assert d.mobile_phone == "+84912345678"
    assert d.address_commune.province_id == "01"
    assert state["answers"]["mobile_phone"] == "+84912345678"
    assert state["answers"]["date_of_birth"] == "1990-03-15"


def test_steps_can_be_answered_one_request_each(app, answers):
    app.start()
    for slug, fields in answers.items():
        response = app.patch(fields)
        assert response.status_code == 200, (slug, response.content)
        assert step(response.json(), slug)["complete"], slug


def test_a_later_step_is_refused_until_the_steps_before_it_are_complete(app):
    app.start()
    response = app.patch({"mobile_phone": "0912345678"})
    assert response.status_code == 422
    assert codes(response) == [("mobile_phone", "step_not_open")]
    assert "Thông tin cá nhân" in response.json()["errors"][0]["message"]


def test_a_patch_is_saved_whole_or_not_at_all(app, answers):
    app.start()
    response = app.patch({**answers["personal"], **answers["social-insurance-number"], "id_document_type": "cccd",
                          "id_document_number": "001191012345"})  # born 1991, says the number
    assert response.status_code == 422
    assert codes(response) == [("id_document_number", "cccd_birth_year_mismatch")]
    assert only_declaration().full_name == ""  # the valid steps before it were rolled back too


def test_each_step_is_checked_against_answers_sent_with_it(answered):
    # A new date of birth and the CCCD number that encodes it, together: accepted.
    response = answered.patch({"date_of_birth": "1991-03-15", "id_document_number": "001191012345"})
    assert response.status_code == 200, response.content
    assert only_declaration().id_document_number == "001191012345"


def test_an_earlier_change_reopens_a_later_step_and_says_why(answered):
    response = answered.patch({"date_of_birth": "1991-03-15"})  # the CCCD number says 1990
    assert response.status_code == 200
    state = response.json()
    assert state["next_step"] == "id-document"
    assert step(state, "id-document")["errors"] == [{
        "field": "id_document_number", "code": "cccd_birth_year_mismatch",
        "message": MESSAGES["cccd_birth_year_mismatch"] % {"card_year": 1991 - 1, "declared_year": 1991}}]
    assert [s["open"] for s in state["steps"]] == [True, True, True] + [False] * 5


ERROR_CASES = [
    ({"full_name": ""}, "full_name", "required", MESSAGES["full_name_required"]),
    ({"full_name": "Nguyễn Văn 3"}, "full_name", "full_name_digits", MESSAGES["full_name_digits"]),
    ({"date_of_birth": ""}, "date_of_birth", "date_required", MESSAGES["date_required"]),
    ({"date_of_birth": "1990-02-31"}, "date_of_birth", "date_not_a_date",
     MESSAGES["date_not_a_date"] % {"day": 31, "month": 2, "year": 1990}),
    ({"date_of_birth": "90-03-15"}, "date_of_birth", "date_year_format", MESSAGES["date_year_format"]),
    ({"date_of_birth": "1990-13-01"}, "date_of_birth", "date_month_invalid", MESSAGES["date_month_invalid"]),
    ({"date_of_birth": "2999-01-01"}, "date_of_birth", "date_in_future", MESSAGES["date_in_future"]),
    ({"date_of_birth": "15/03/1990"}, "date_of_birth", "date_of_birth_format", None),
    ({"sex": "x"}, "sex", "invalid_choice", None),
    ({"social_insurance_number": "01234 5678"}, "social_insurance_number", "social_insurance_number_length",
     MESSAGES["social_insurance_number_length"] % {"count": 9}),
    ({"social_insurance_number": "HS4010120878811"}, "social_insurance_number", "social_insurance_number_is_bhyt_card",
     MESSAGES["social_insurance_number_is_bhyt_card"] % {"number": "0120878811"}),
    ({"id_document_type": ""}, "id_document_type", "required", MESSAGES["id_document_type"]),
    ({"id_document_number": "001090012345"}, "id_document_number", "cccd_sex_mismatch", MESSAGES["cccd_sex_mismatch"]),
    ({"id_document_number": "123456789"}, "id_document_number", "cccd_looks_like_cmnd", MESSAGES["cccd_looks_like_cmnd"]),
    ({"id_document_type": "passport", "id_document_number": "C12#4567"}, "id_document_number", "passport_characters",
     MESSAGES["passport_characters"]),
    ({"address_province": "00"}, "address_province", "invalid_choice", "Chọn một tỉnh/thành phố trong danh sách"),
    ({"address_commune": "25750"}, "address_commune", "invalid_choice", "Chọn một xã/phường của tỉnh/thành phố đã chọn"),
    ({"address_street": ""}, "address_street", "required", "Nhập số nhà, tên đường hoặc thôn/xóm"),
    ({"mobile_phone": "024 3825 9999"}, "mobile_phone", "mobile_landline", MESSAGES["mobile_landline"]),
    ({"email": "binh@"}, "email", "email_domain", MESSAGES["email_domain"]),
]


@pytest.mark.parametrize("change,field,code,message", ERROR_CASES, ids=[f"{c[1]}:{c[2]}" for c in ERROR_CASES])
def test_a_refused_answer_has_the_rules_code_and_the_pages_words(answered, change, field, code, message):
    response = answered.patch(change)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    if message is not None:
        assert errors[0]["message"] == message


def test_the_office_must_be_one_that_receives_declarations(with_photos):
    response = with_photos.patch({"office": 987654321})
    assert response.status_code == 422 and codes(response) == [("office", "invalid_choice")]


def test_emailing_the_declaration_needs_an_email(with_photos, commune):
    office = with_photos.get(f"/offices?commune={commune.code}").json()[0]["id"]
    response = with_photos.patch({"email": "", "office": office, "email_declaration": True})
    assert response.status_code == 422 and codes(response) == [("email", "email_required")]
    accepted = with_photos.patch({"email": "an@example.vn", "office": office, "email_declaration": True})
    assert accepted.status_code == 200
    assert accepted.json()["answers"]["email_declaration"] is True
    assert accepted.json()["next_step"] is None


def test_the_office_waits_for_the_photos(answered):
    response = answered.patch({"office": 1})
    assert response.status_code == 422 and codes(response) == [("office", "step_not_open")]


def test_a_new_province_clears_the_commune_and_the_office(complete):
    response = complete.patch({"address_province": "79"})
    assert response.status_code == 200
    answers = response.json()["answers"]
    assert answers["address_commune"] is None and answers["office"] is None
    assert response.json()["next_step"] == "address"


def test_another_kind_of_document_clears_the_document_photos(with_photos):
    response = with_photos.patch({"id_document_type": "cmnd", "id_document_number": "123456789"})
    assert response.status_code == 200
    assert response.json()["answers"]["photos"] == {"portrait": True, "id_front": False, "id_back": False}
    photos = step(response.json(), "photos")
    assert not photos["complete"]
    assert [(e["field"], e["code"]) for e in photos["errors"]] == [("id_front", "photo_missing"), ("id_back", "photo_missing")]


def test_an_under_age_citizen_is_told_why_the_step_is_not_complete(app):
    app.start()
    response = app.patch({"full_name": "Trần Thị Bình", "date_of_birth": "2020-01-01", "sex": "female"})
    assert response.status_code == 200  # stored, as on the web, which then shows the under-age page
    personal = step(response.json(), "personal")
    assert not personal["complete"]
    assert [(e["field"], e["code"]) for e in personal["errors"]] == [("date_of_birth", "under_age")]
    assert response.json()["next_step"] == "personal"


def test_an_empty_patch_changes_nothing(answered):
    before = answered.get("/declarations/current").json()
    response = answered.patch({})
    assert response.status_code == 200
    assert response.json()["answers"] == before["answers"]


def test_editing_is_rate_limited_per_draft(answered, settings):
    settings.VSSID_API_RATES = {"edit_draft": "2/h"}  # the fixture's own patch was the first
    assert answered.patch({"address_street": "Số 1 phố Huế"}).status_code == 200
    refused = answered.patch({"address_street": "Số 2 phố Huế"})
    assert refused.status_code == 429 and codes(refused) == [(None, "rate_limited")]
