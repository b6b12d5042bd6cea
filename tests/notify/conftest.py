"""Fixtures for the outbox: a submitted declaration, a real SMTP server, the real DB worker."""
import datetime
import email
import email.policy
import socket

import pytest

from aiosmtpd.controller import Controller

from tests.support.declarations import submitted_declaration
from vssid.declarations.models import Declaration

# The fixture person. Their data must never reach a log line (see test_no_personal_data_in_logs).
PERSON = {
    "full_name": "Lê Thị Hồng Nhung",
    "social_insurance_number": "7913579246",
    "id_document_number": "079186024680",
    "mobile_phone": "+84987654321",
    "email": "hong.nhung.le@example.vn",
    "address_street": "Số 45 đường Lý Tự Trọng",
}


@pytest.fixture
def make_declaration(test_office):
    def make(**overrides) -> Declaration:
        return submitted_declaration(test_office, PERSON, **{
            "date_of_birth": datetime.date(1986, 11, 2), "sex": Declaration.Sex.FEMALE,
            "email_declaration": True, **overrides})

    return make


@pytest.fixture(autouse=True)
def database_task_backend(settings):
    """The production task backend: jobs are rows, run by the real db_worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def person() -> dict:
    return dict(PERSON)


class RecordingHandler:
    """An SMTP server's delivery end: keeps what it accepted; can refuse recipients."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelope_recipients: list[list[str]] = []
        self.refuse_recipients_with: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients_with:
            return self.refuse_recipients_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.envelope_recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port():
    # A port nothing listens on until a test starts the server: "mail server down" for free.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_settings(settings, smtp_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return settings


@pytest.fixture
def start_smtp_server(smtp_settings, smtp_port):
    """Start a real SMTP server (aiosmtpd) on the configured port; stopped after the test."""
    controllers = []

    def start() -> RecordingHandler:
        handler = RecordingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp_server) -> RecordingHandler:
    return start_smtp_server()
