"""Checking, sending (idempotently), following and cancelling a declaration through the API."""
import pytest
from django.urls import reverse

from vssid.api.models import IdempotentSubmission
from vssid.declarations.models import Declaration
from vssid.declarations.reference import format_reference_code

from .helpers import codes

pytestmark = pytest.mark.django_db


# --- check answers ------------------------------------------------------------------------------

def test_check_answers_lists_every_answer_with_the_step_that_changes_it(complete):
    response = complete.get("/declarations/current/check")
    assert response.status_code == 200
    body = response.json()
    rows = [row for section in body["sections"] for row in section["rows"]]
    values = {row["label"]: row["value"] for row in rows}
    assert values["Họ và tên"] == "TRẦN THỊ BÌNH"
    assert values["Mã số BHXH"] == "0123456789"
    assert {row["step"] for row in rows} == {"personal", "social-insurance-number", "id-document", "province",
                                             "contact", "office"}
    assert body["photos"] == {"portrait": True, "id_front": True, "id_back": True}


def test_check_answers_of_an_incomplete_draft_names_the_missing_step(with_photos):
    response = with_photos.get("/declarations/current/check")
    assert response.status_code == 409
    assert codes(response) == [("office", "declaration_incomplete")]
    assert "Cơ quan BHXH tiếp nhận" in response.json()["errors"][0]["message"]


# --- sending ------------------------------------------------------------------------------------

def test_sending_answers_the_reference_office_and_due_date(complete):
    response = complete.submit()
    assert response.status_code == 200, response.content
    body = response.json()
    declaration = Declaration.objects.get()
    assert declaration.status == "submitted"
    assert body["reference_code"] == declaration.reference_code
    assert body["reference_code_display"] == format_reference_code(declaration.reference_code)
    assert body["status"] == "submitted"
    assert body["visit_due_date"] == declaration.visit_due_date.isoformat()
    assert body["office"]["id"] == declaration.office_id
    assert body["confirmation_path"] == reverse("declarations:confirmation", kwargs={"token": declaration.confirmation_token})
    assert "Idempotent-Replayed" not in response
    # the web's confirmation page opens at that path
    assert complete.client.get(body["confirmation_path"]).status_code == 200


def test_a_retried_send_answers_the_first_result_and_makes_no_second_declaration(complete):
    first = complete.submit(key="retry-me-1")
    again = complete.submit(key="retry-me-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Declaration.objects.filter(status="submitted").count() == 1
    assert IdempotentSubmission.objects.count() == 1


def test_another_key_after_sending_gets_the_same_declaration(complete):
    first = complete.submit(key="key-a").json()
    second = complete.submit(key="key-b")
    assert second.status_code == 200
    assert second.json()["reference_code"] == first["reference_code"]
    assert Declaration.objects.count() == 1


def test_the_same_key_after_a_cancellation_still_answers_what_the_first_send_did(complete):
    first = complete.submit(key="lost-connection").json()
    assert complete.post("/declarations/current/cancel").status_code == 200
    retried = complete.submit(key="lost-connection")
    assert retried.status_code == 200 and retried.json() == first
    fresh = complete.submit(key="a-new-key")
    assert fresh.status_code == 409 and codes(fresh) == [(None, "declaration_not_editable")]


def test_the_idempotency_key_is_required(complete):
    response = complete.submit(key=None)
    assert response.status_code == 428 and codes(response) == [("Idempotency-Key", "idempotency_key_required")]
    assert Declaration.objects.get().status == "draft"


def test_a_malformed_idempotency_key_is_refused(complete):
    for key in ("has space", "x" * 256):
        response = complete.submit(key=key)
        assert response.status_code == 422, key
        assert codes(response)[0][0] == "Idempotency-Key"


def test_an_incomplete_draft_is_not_sent_and_its_key_stays_usable(with_photos, commune):
    refused = with_photos.submit(key="k1")
    assert refused.status_code == 409 and codes(refused) == [("office", "declaration_incomplete")]
    office = with_photos.get(f"/offices?commune={commune.code}").json()[0]["id"]
    with_photos.patch({"office": office})
    sent = with_photos.submit(key="k1")
    assert sent.status_code == 200 and "Idempotent-Replayed" not in sent


def test_sending_queues_the_declaration_email_once_when_asked(complete):
    from vssid.notify.models import OutboundEmail

    complete.patch({"email_declaration": True})
    complete.submit(key="k")
    complete.submit(key="k")
    complete.submit(key="other")
    assert OutboundEmail.objects.count() == 1


def test_sending_is_rate_limited_per_draft(with_photos, settings):
    settings.VSSID_API_RATES = {"submit": "1/h"}
    assert with_photos.submit(key="a").status_code == 409  # incomplete, but an attempt
    refused = with_photos.submit(key="b")
    assert refused.status_code == 429 and codes(refused) == [(None, "rate_limited")]


def test_a_sent_declaration_cannot_be_changed(complete):
    complete.submit()
    response = complete.patch({"address_street": "Số 1 phố Huế"})
    assert response.status_code == 409 and codes(response) == [(None, "declaration_not_editable")]


# --- following ----------------------------------------------------------------------------------

def test_status_by_reference_code_raw_grouped_or_lower_case(complete):
    sent = complete.submit().json()
    for code in (sent["reference_code"], sent["reference_code_display"], sent["reference_code_display"].lower()):
        response = complete.get(f"/declarations/{code}")
        assert response.status_code == 200, code
        assert response.json() == sent


def test_status_of_another_declaration_is_the_same_404_as_an_unknown_one(complete, client_factory):
    from .helpers import App

    mine = complete.submit().json()["reference_code"]
    stranger = App(client_factory())
    stranger.start()
    assert codes(stranger.get(f"/declarations/{mine}")) == [(None, "not_found")]
    assert stranger.get(f"/declarations/{mine}").status_code == 404
    unknown = complete.get("/declarations/0000000000")
    assert unknown.status_code == 404 and codes(unknown) == [(None, "not_found")]


def test_a_draft_has_no_status_by_reference(complete):
    assert complete.get("/declarations/K7Q4M2XA9R").status_code == 404


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


# --- cancelling ---------------------------------------------------------------------------------

def test_a_draft_can_be_cancelled_once(answered):
    response = answered.post("/declarations/current/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = answered.post("/declarations/current/cancel")
    assert again.status_code == 409 and codes(again) == [(None, "declaration_not_editable")]
    assert answered.patch({"address_street": "x"}).status_code == 409


def test_a_sent_declaration_can_be_cancelled_and_its_status_says_so(complete):
    code = complete.submit().json()["reference_code"]
    assert complete.post("/declarations/current/cancel").status_code == 200
    status = complete.get(f"/declarations/{code}").json()
    assert status["status"] == "cancelled" and status["cancelled_at"] is not None


# --- the PDF ------------------------------------------------------------------------------------

def test_the_sent_declaration_as_pdf(complete):
    assert codes(complete.get("/declarations/current/pdf")) == [(None, "declaration_not_submitted")]
    complete.submit()
    response = complete.get("/declarations/current/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_draft_that_disagrees_with_the_registry_is_refused_naming_the_answer(complete):
    complete.patch({"social_insurance_number": "9876543210"})
    refused = complete.submit()
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "registry_unknown_number"
    assert refused.json()["errors"][0]["field"] == "social_insurance_number"
