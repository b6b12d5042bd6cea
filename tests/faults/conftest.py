"""Fixtures of the fault tests: submitted declarations that owe an email and an SMS, the real
SMTP server and the fake SMS provider on ports of their own, the real job worker (in this process,
or as a `vssid worker` subprocess on the test database)."""
from __future__ import annotations

import datetime
import io
import itertools
import secrets

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from tests.api.helpers import App
from tests.support.flow import Citizen
from tests.support.gateways import MailServer, SmsProvider
from tests.support.processes import database_url_of, free_port, service_env, start_worker
from vssid.declarations.models import Declaration
from vssid.notify.services import queue_declaration_email
from vssid.notify.sms_services import queue_submission_sms
from vssid.registry.records import PersonRecord
from vssid.registry.services import upsert_records

# The flow's citizen, living in the tests' own province (99): an earlier transactional test may
# have flushed the 2025 units from the database.
CITIZEN = Citizen(province="99", commune="99999")


@pytest.fixture(autouse=True)
def database_task_backend(settings):
    """The production task backend: jobs are rows, run by the real worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def citizen():
    return CITIZEN


@pytest.fixture
def registered(test_office):
    """The citizen is in BHXH's records, as a real applicant is; returns the office of the flow."""
    upsert_records([PersonRecord(CITIZEN.social_insurance_number, CITIZEN.full_name, datetime.date(1990, 3, 15),
                                 False, "female", "99", CITIZEN.id_document_number, "+84912345678")])
    return test_office


@pytest.fixture
def api_draft(registered):
    """An app's draft through the JSON API with the six form steps answered (photos still to do)."""

    def start(client=None) -> App:
        app = App(client or Client())
        app.start()
        response = app.patch({
            "full_name": CITIZEN.full_name, "date_of_birth": "1990-03-15", "sex": CITIZEN.sex,
            "social_insurance_number": CITIZEN.social_insurance_number, "id_document_type": "cccd",
            "id_document_number": CITIZEN.id_document_number, "address_province": "99", "address_commune": "99999",
            "address_street": CITIZEN.street, "mobile_phone": CITIZEN.mobile, "email": CITIZEN.email,
        })
        assert response.status_code == 200, response.content
        return app

    return start


@pytest.fixture
def submit(test_office):
    """Make a submitted declaration and owe its notices, as ``submit_declaration`` does in its
    transaction (the step rules and photos are other tests' business)."""
    numbers = itertools.count(1)

    def submit(*, email: bool = True) -> Declaration:
        n = next(numbers)
        with transaction.atomic():
            declaration = Declaration.objects.create(
                status=Declaration.Status.SUBMITTED, full_name="Phạm Văn Thử", date_of_birth=datetime.date(1988, 4, 9),
                sex=Declaration.Sex.MALE, id_document_type=Declaration.DocumentType.CCCD,
                id_document_number=f"0010880{n:05d}", social_insurance_number=f"01234{n:05d}",
                address_province=test_office.province, address_commune=test_office.commune, address_street="Số 1 phố Thử",
                mobile_phone=f"+849120{n:05d}", email=f"thu{n}@example.vn" if email else "", email_declaration=email,
                office=test_office, reference_code=f"F{n:09d}", confirmation_token=secrets.token_urlsafe(32),
                submitted_at=timezone.now(), visit_due_date=timezone.localdate() + datetime.timedelta(days=30),
            )
            if email:
                queue_declaration_email(declaration)
            queue_submission_sms(declaration)
        return declaration

    return submit


@pytest.fixture
def mail_server(settings):
    """A real SMTP server, and the site's settings pointing at it."""
    server = MailServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def sms_provider(settings):
    provider = SmsProvider(free_port())
    settings.VSSID_SMS_GATEWAY = "vssid.notify.sms.HttpSmsGateway"
    settings.VSSID_SMS_HTTP_URL = provider.url
    settings.VSSID_SMS_HTTP_AUTH = "none"
    settings.VSSID_SMS_HTTP_TIMEOUT = 5
    yield provider
    provider.stop()


@pytest.fixture
def run_worker():
    """Run every job that is due, as `vssid worker --batch` would, in this process."""

    def run() -> str:
        out = io.StringIO()
        call_command("worker", batch=True, startup_delay=False, interval=0,
                     worker_id="test-worker", verbosity=1, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def worker_env(transactional_db, tmp_path, mail_server, sms_provider):
    """The environment of a `vssid worker` subprocess on the test database (a transactional test:
    what the test writes is committed, so the worker sees it)."""
    return service_env(
        tmp_path / "var", database_url_of(connection.settings_dict),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_server.port), VSSID_SMS_GATEWAY="vssid.notify.sms.HttpSmsGateway",
        VSSID_SMS_HTTP_URL=sms_provider.url, VSSID_SMS_HTTP_AUTH="none", VSSID_SMS_HTTP_TIMEOUT="5",
    )


@pytest.fixture
def worker_process(worker_env, tmp_path):
    """Start `vssid worker` subprocesses; each is killed at the end of the test if still running."""
    started = []

    def start(worker_id: str = "worker-1"):
        process = start_worker(worker_env, tmp_path / f"{worker_id}.log", worker_id)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
