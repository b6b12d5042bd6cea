"""Fixtures for citizen accounts: a submitted declaration, its activation, the real DB worker, the
fake SMS provider (a real HTTP server) and a real SMTP server."""
import datetime
import re
import socket

import pytest

from aiosmtpd.controller import Controller
from django.core.cache import caches
from django.db import transaction

from tests.accounts.sms_provider import sms_provider  # noqa: F401 - a fixture
from tests.notify.conftest import RecordingHandler
from vssid.accounts import services
from tests.support.declarations import submitted_declaration
from vssid.declarations.models import Declaration

# The fixture person (a man born in 1995, registered in Hà Nội: CCCD 001 + 0 + 95). Their data must
# never reach a log line or a stored error.
PERSON = {
    "full_name": "Phạm Văn Đức",
    "social_insurance_number": "0131579246",
    "id_document_number": "001095012345",
    "mobile_phone": "+84912345678",
    "email": "duc.pham@example.vn",
    "address_street": "Số 8 phố Hàng Gai",
}
NEW_PASSWORD = "Hoa-sen-mua-he-2025"
LOGIN_DATA = {"identifier": PERSON["social_insurance_number"], "password": NEW_PASSWORD}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _clean_counters_and_outboxes(db, settings, tmp_path):
    """Rate-limit and lockout counters live in the shared cache table, which no test rollback or
    flush empties; the development SMS outbox writes to a temporary folder."""
    settings.VSSID_SMS_OUTBOX_DIR = tmp_path / "sms"
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.QuickArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    caches[settings.VSSID_RATELIMIT_CACHE].clear()
    yield
    caches[settings.VSSID_RATELIMIT_CACHE].clear()


@pytest.fixture
def person() -> dict:
    return dict(PERSON)


@pytest.fixture
def make_declaration(test_office):
    def make(**overrides) -> Declaration:
        return submitted_declaration(test_office, PERSON, **{
            "date_of_birth": datetime.date(1995, 4, 12), "sex": Declaration.Sex.MALE,
            "email_declaration": False, **overrides})

    return make


@pytest.fixture
def activate(make_declaration):
    """An approved declaration's account, as the desk opens it: inside the approval's transaction."""

    def activate_one(**overrides):
        declaration = make_declaration(**overrides)
        with transaction.atomic():
            return services.activate_account(declaration).account

    return activate_one


@pytest.fixture
def with_one_time_password(activate):
    """A new account and the one-time password its credentials SMS would carry (the send-time
    function itself, without a gateway)."""

    def make(**overrides):
        account = activate(**overrides)
        _username, password = services.issue_one_time_password(account.pk)
        account.refresh_from_db()
        return account, password

    return make


@pytest.fixture
def account_in_use(with_one_time_password):
    """An account whose owner has logged in and chosen NEW_PASSWORD."""
    account, one_time = with_one_time_password()
    services.log_in(PERSON["social_insurance_number"], one_time, client="192.0.2.1")
    account = services.change_password(account, one_time, NEW_PASSWORD)
    caches["default"].clear()
    return account


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) that Django's SMTP backend talks to."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler
    controller.stop()


def page_without_tokens(response, *typed: str) -> str:
    """The page as text without its CSRF tokens (random per response) and what the visitor typed."""
    body = CSRF_INPUT.sub("", response.content.decode())
    for value in typed:
        body = body.replace(value, "TYPED")
    return body
