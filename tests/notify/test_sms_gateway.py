"""The SMS gateways: HttpSmsGateway against a real HTTP server, OutboxSmsGateway on disk, and the
development page that lists what the outbox gateway "sent"."""
import json
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.accounts.sms_provider import TOKEN, sms_provider  # noqa: F401 - a fixture
from vssid.notify.sms import (
    HttpSmsGateway,
    OutboxSmsGateway,
    SmsPermanentError,
    SmsTemporaryError,
    _provider_message_id,
    get_gateway,
)

TEXT = "BHXH: Ma dat lai mat khau VssID la 123456, co hieu luc 10 phut."


@pytest.fixture(autouse=True)
def _sms_outbox_in_tmp(settings, tmp_path):
    settings.VSSID_SMS_OUTBOX_DIR = tmp_path / "sms"


def test_a_message_is_posted_as_json_with_the_bearer_token(sms_provider):
    provider_id = get_gateway().send("+84912345678", TEXT, reference="ref-1")

    assert provider_id == "prov-1"
    [request] = sms_provider.received
    assert request.path == "/v1/sms"
    assert request.payload == {"to": "+84912345678", "text": TEXT, "sender": "BHXH", "reference": "ref-1"}
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == "ref-1"


def test_basic_credentials_are_sent_as_configured(sms_provider, settings):
    settings.VSSID_SMS_HTTP_AUTH = "basic"
    settings.VSSID_SMS_HTTP_USERNAME, settings.VSSID_SMS_HTTP_PASSWORD = "user", "s3cr3t"

    assert get_gateway().send("+84912345678", TEXT) == "prov-1"
    assert sms_provider.received[0].headers["authorization"] == "Basic dXNlcjpzM2NyM3Q="


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408, 401, 403])
def test_server_errors_throttling_and_our_credentials_are_temporary(sms_provider, status):
    sms_provider.respond_with(status)

    with pytest.raises(SmsTemporaryError) as failed:
        get_gateway().send("+84912345678", TEXT)

    assert failed.value.reason == f"HTTP {status}"


@pytest.mark.parametrize("status", [400, 404, 410, 422])
def test_other_client_errors_are_permanent(sms_provider, status):
    sms_provider.respond_with(status)

    with pytest.raises(SmsPermanentError) as refused:
        get_gateway().send("+84912345678", TEXT)

    assert refused.value.reason == f"HTTP {status}"  # never the provider's words: they echo the number
    assert "+8491" not in str(refused.value)


def test_a_redirect_is_not_followed(sms_provider):
    # urllib would turn the POST into a GET without its body: a moved endpoint is a configuration
    # error to see, not a message "sent" to nowhere.
    sms_provider.respond_with(302)

    with pytest.raises(SmsPermanentError, match="HTTP 302"):
        get_gateway().send("+84912345678", TEXT)
    assert len(sms_provider.received) == 1


def test_wrong_credentials_are_retried_not_dropped(sms_provider, settings):
    settings.VSSID_SMS_HTTP_TOKEN = "expired"

    with pytest.raises(SmsTemporaryError, match="HTTP 401"):
        get_gateway().send("+84912345678", TEXT)


def test_a_provider_that_does_not_answer_in_time_is_temporary(sms_provider, settings):
    settings.VSSID_SMS_HTTP_TIMEOUT = 0.3
    sms_provider.respond_with("hang")

    with pytest.raises(SmsTemporaryError) as failed:
        get_gateway().send("+84912345678", TEXT)

    assert failed.value.reason in ("TimeoutError", "URLError TimeoutError")


def test_a_provider_that_is_down_is_temporary(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = HttpSmsGateway(url=f"http://127.0.0.1:{port}/sms", auth="none")

    with pytest.raises(SmsTemporaryError, match="URLError ConnectionRefusedError"):
        gateway.send("+84912345678", TEXT)


def test_the_provider_id_is_read_from_the_usual_fields():
    assert _provider_message_id(b'{"message_id": "abc"}') == "abc"
    assert _provider_message_id(b'{"messageId": 42}') == "42"
    assert _provider_message_id(b'{"status": "queued"}') == ""
    assert _provider_message_id(b"OK") == ""
    assert _provider_message_id(json.dumps({"id": "x" * 500}).encode()) == "x" * 100


@pytest.mark.parametrize(("options", "problem"), [
    ({"url": "ftp://sms.example/"}, "VSSID_SMS_HTTP_URL"),
    ({"url": ""}, "VSSID_SMS_HTTP_URL"),
    ({"url": "https://sms.example/", "auth": "digest"}, "VSSID_SMS_HTTP_AUTH"),
])
def test_a_misconfigured_gateway_says_which_setting(options, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        HttpSmsGateway(**options)


def test_the_outbox_gateway_writes_readable_files_listed_newest_first(settings):
    gateway = OutboxSmsGateway()

    first = gateway.send("+84912345678", "BHXH: tin thu nhat")
    second = gateway.send("+84987654321", "BHXH: tin thu hai", reference="r2")

    files = sorted(p.name for p in settings.VSSID_SMS_OUTBOX_DIR.iterdir())
    assert len(files) == 2 and all(name.endswith(".json") for name in files)
    records = gateway.messages()
    assert [(r["id"], r["to"], r["text"]) for r in records] == [
        (second, "+84987654321", "BHXH: tin thu hai"), (first, "+84912345678", "BHXH: tin thu nhat")]


def test_the_outbox_page_lists_messages_in_development(settings, client):
    settings.DEBUG = True
    OutboxSmsGateway().send("+84912345678", "BHXH: Mat khau: ABCD2345EF.")

    response = client.get("/_outbox/sms/")

    assert response.status_code == 200
    assert "BHXH: Mat khau: ABCD2345EF." in response.content.decode()
    assert "+84912345678" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_outbox_page_does_not_exist_in_production_for_visitors(settings, client):
    settings.DEBUG = False
    OutboxSmsGateway().send("+84912345678", "BHXH: Mat khau: ABCD2345EF.")

    response = client.get("/_outbox/sms/")

    assert response.status_code == 404
    assert "ABCD2345EF" not in response.content.decode()


def test_the_outbox_page_says_so_when_a_real_gateway_is_configured(settings, client, sms_provider):
    settings.DEBUG = True

    response = client.get("/_outbox/sms/")

    assert "vssid.notify.sms.HttpSmsGateway" in response.content.decode()
    assert sms_provider.received == []


@pytest.mark.django_db
def test_the_outbox_page_is_open_to_staff_in_production(settings, client):
    from django.contrib.auth import get_user_model

    settings.DEBUG = False
    OutboxSmsGateway().send("+84912345678", "BHXH: Mat khau: ABCD2345EF.")
    User = get_user_model()
    client.force_login(User.objects.create_user("officer", password=None, is_staff=False))
    assert client.get("/_outbox/sms/").status_code == 404
    client.force_login(User.objects.create_user("operator", password=None, is_staff=True))

    response = client.get("/_outbox/sms/")

    assert response.status_code == 200 and "ABCD2345EF" in response.content.decode()
