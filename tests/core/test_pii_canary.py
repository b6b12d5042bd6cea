"""The PII canary of the logs: a person with distinctive data walks the whole registration, the
jobs send their SMS and email, an officer finds and approves the declaration, the citizen then
fumbles a login and asks for a reset. Everything logged on the way, at DEBUG, is read twice: the
records as the code made them (before any masking) and the JSON lines production would write.
Neither may hold the canary's name, numbers, phone or email."""
import io
import json
import logging
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from vssid.cards.text import fold
from vssid.core.logs import JsonFormatter
from vssid.declarations.models import Declaration
from vssid.desk import officers
from vssid.desk.models import OfficerProfile
from vssid.registry.records import PersonRecord
from vssid.registry.services import upsert_records

from tests.support.flow import Citizen, Walker
from tests.support.places import make_test_office

pytestmark = pytest.mark.django_db(transaction=True)  # jobs are queued on commit, run by the real worker

NAME = "Khúc Thị Hoạ Mi"
SOCIAL_INSURANCE_NUMBER = "0198765432"
ID_NUMBER = "001196054321"  # Hà Nội (001), a woman of the 1900s (1), born in (19)96
MOBILE_TYPED, MOBILE = "0987 650 123", "+84987650123"
EMAIL = "hoami.canary@example.vn"
OFFICER_PASSWORD = "Quay-tiep-nhan-2025"

SECRETS = [
    NAME, NAME.upper(), fold(NAME), "Hoạ Mi", "Họa Mi", "hoa mi", SOCIAL_INSURANCE_NUMBER, ID_NUMBER,
    MOBILE_TYPED, MOBILE, "0987650123", "987650123", EMAIL, "hoami.canary",
]


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [secret for secret in SECRETS if secret.lower() in lowered]


@pytest.fixture
def canary(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2 is slow by design
    # The tests' own province, office and commune: an earlier transactional test may have flushed
    # the reference data.
    office = make_test_office(latitude=21.03, longitude=105.85, commune="Hàng Trống Thử", office="BHXH cơ sở Thử",
                              address="Số 1 phố Thử", opening_hours="Thứ Hai – Thứ Sáu", phone="024 3825 0000")
    upsert_records([PersonRecord(SOCIAL_INSURANCE_NUMBER, NAME, date(1996, 7, 21), False, "female", "99",
                                 ID_NUMBER, MOBILE)])
    return office, Citizen(full_name=NAME, dob=("21", "7", "1996"), sex="female",
                           social_insurance_number=SOCIAL_INSURANCE_NUMBER, id_document_number=ID_NUMBER,
                           province="99", commune=office.commune_id, mobile=MOBILE_TYPED, email=EMAIL)


@pytest.fixture
def json_log():
    """What the production handler would write: the JSON formatter on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0,
                 worker_id="canary-worker", verbosity=3, stdout=io.StringIO())


def test_a_whole_registration_and_approval_never_logs_the_canary(canary, caplog, json_log):
    caplog.set_level(logging.DEBUG)

    office, citizen = canary
    # The citizen, on a phone.
    walker = Walker(Client(), citizen)
    walker.fill_declaration(until="office")
    assert walker.choose_office(office.pk).status_code == 302
    assert walker.client.get(reverse("declarations:check")).status_code == 200
    sent = walker.submit()
    assert sent.status_code == 302
    assert walker.client.get(sent["Location"]).status_code == 200
    declaration = Declaration.objects.get()
    assert walker.client.get(reverse("declarations:pdf", kwargs={"token": declaration.confirmation_token})).status_code == 200
    run_worker()  # the submission's SMS and email

    # The officer of the chosen office, at the counter.
    officers.create_officer(username="can.bo.canary", password=OFFICER_PASSWORD, office=declaration.office,
                            role=OfficerProfile.Role.OFFICER, full_name="Cán bộ tiếp nhận")
    desk = Client()
    assert desk.post(reverse("desk:login"), {"username": "can.bo.canary", "password": OFFICER_PASSWORD}).status_code == 302
    desk.get(reverse("desk:queue"))
    for query in (ID_NUMBER, SOCIAL_INSURANCE_NUMBER, NAME, MOBILE_TYPED):
        assert desk.post(reverse("desk:search"), {"q": query}).status_code in (200, 302)
    assert desk.get(reverse("desk:declaration", kwargs={"pk": declaration.pk})).status_code == 200
    assert desk.get(reverse("desk:photo", kwargs={"pk": declaration.pk, "kind": "portrait"})).status_code == 200
    approved = desk.post(reverse("desk:approve", kwargs={"pk": declaration.pk}), {"document_checked": "on"})
    assert approved.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.ACTIVATED
    run_worker()  # the password SMS and the activation email

    # The citizen again: a wrong password, then a reset by SMS.
    phone = Client()
    phone.post(reverse("accounts:login"), {"identifier": SOCIAL_INSURANCE_NUMBER, "password": "sai-mat-khau-1"})
    phone.post(reverse("accounts:forgot-password"), {"identifier": ID_NUMBER, "channel": "sms"})
    run_worker()

    records = caplog.records
    assert len(records) > 50, "the walk should have logged a good deal"
    assert {r.__dict__.get("route") for r in records} >= {"declarations:personal", "desk:approve", "accounts:login"}
    assert any(r.name == "django_tasks_db" for r in records), "the worker's lines are part of the walk"
    raw = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__} {r.exc_text or ''}" for r in records)
    assert leaks(raw) == []

    lines = json_log.getvalue().splitlines()
    assert len(lines) == len(records)
    assert all(json.loads(line)["message"] is not None for line in lines)
    assert leaks("\n".join(lines)) == []
