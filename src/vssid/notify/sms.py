"""SMS gateways: the one interface the SMS outbox sends through, and its two implementations.

``settings.VSSID_SMS_GATEWAY`` names the class (a dotted path):

- ``OutboxSmsGateway`` (the development default) writes each message to a file a person can read,
  listed at ``/_outbox/sms/``: the developer's phone. Nothing leaves the machine.
- ``HttpSmsGateway`` POSTs JSON to a real provider (``VSSID_SMS_HTTP_URL``) with basic or bearer
  credentials. Providers differ; the request is the common denominator (number, text, sender name,
  our reference) and the answer is read tolerantly (``id``, ``message_id`` or ``messageId``).

A gateway says how a failure should be treated, nothing more: ``SmsTemporaryError`` (try again
later) or ``SmsPermanentError`` (this message will never go). Its ``reason`` is stored and logged,
so it holds an exception class or an HTTP status, never the provider's words, which can echo the
number or the text.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class SmsError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class SmsTemporaryError(SmsError):
    """The provider could not take the message now (down, overloaded, timed out): retry later."""


class SmsPermanentError(SmsError):
    """The provider refused this message for good (a number it cannot reach, a malformed request)."""


class SmsGateway:
    """Sends one text message. Implementations raise SmsTemporaryError or SmsPermanentError."""

    def send(self, to_e164: str, text: str, *, reference: str | None = None) -> str:
        """Hand ``text`` to the provider for ``to_e164`` (``+84…``); return the provider's message id.

        ``reference`` is ours: providers that de-duplicate on a client reference drop a repeated one,
        so the outbox passes the same reference only when it sends the same text again.
        """
        raise NotImplementedError


def get_gateway() -> SmsGateway:
    """The configured gateway (``settings.VSSID_SMS_GATEWAY``), built from settings."""
    return import_string(settings.VSSID_SMS_GATEWAY)()


# The development outbox ---------------------------------------------------------------------------


class OutboxSmsGateway(SmsGateway):
    """Writes each message as a JSON file in ``settings.VSSID_SMS_OUTBOX_DIR`` (like Django's file
    email backend in ``var/outbox/email``). Files, not a table: a one-time password in a development
    outbox is the point of it, but it must never rest in the service's database."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = Path(directory or settings.VSSID_SMS_OUTBOX_DIR)

    def send(self, to_e164: str, text: str, *, reference: str | None = None) -> str:
        message_id = f"outbox-{uuid.uuid4()}"
        sent_at = datetime.now(UTC)
        record = {"id": message_id, "to": to_e164, "text": text, "reference": reference,
                  "sent_at": sent_at.isoformat()}
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed: the page never lists half a message.
        name = f"{sent_at:%Y%m%dT%H%M%S%fZ}-{message_id}.json"
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False, indent=1)
        os.replace(temporary, self.directory / name)
        return message_id

    def messages(self, limit: int = 200) -> list[dict]:
        """What was "sent", newest first."""
        if not self.directory.is_dir():
            return []
        names = sorted((p for p in self.directory.glob("*.json")), key=lambda p: p.name, reverse=True)[:limit]
        found = []
        for path in names:
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # removed or being cleaned up meanwhile
            record["sent_at"] = datetime.fromisoformat(record["sent_at"])
            found.append(record)
        return found


# A real provider over HTTP ----------------------------------------------------------------------

# Answers that mean "not now" although they are 4xx: the request timed out at the provider, or we
# send too fast. 401/403 mean our credentials or account are wrong: an operator fixes that, and
# the messages must still go afterwards, so they are retried (for the outbox's give-up window)
# rather than dropped. Every other 4xx is about this message and will not change.
_RETRIED_CLIENT_ERRORS = frozenset({401, 403, 408, 425, 429})
_MAX_ANSWER_BYTES = 64 * 1024


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # urllib would follow a redirect by turning the POST into a GET without its body: a redirect is
    # a configuration error, reported as such rather than "sent".
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpSmsGateway(SmsGateway):
    """POSTs ``{"to", "text", "sender", "reference"}`` as JSON to the provider's URL.

    Settings: ``VSSID_SMS_HTTP_URL``; ``VSSID_SMS_HTTP_AUTH`` = ``basic`` (with
    ``VSSID_SMS_HTTP_USERNAME`` and ``VSSID_SMS_HTTP_PASSWORD``), ``bearer`` (with
    ``VSSID_SMS_HTTP_TOKEN``) or ``none``; ``VSSID_SMS_SENDER`` (the brand name shown as sender);
    ``VSSID_SMS_HTTP_TIMEOUT`` in seconds. Answers: 2xx sent; 5xx, timeouts, refused connections
    and 401/403/408/425/429 temporary; other 4xx and 3xx permanent.
    """

    def __init__(self, *, url: str | None = None, auth: str | None = None, username: str | None = None,
                 password: str | None = None, token: str | None = None, sender: str | None = None,
                 timeout: float | None = None):
        self.url = url if url is not None else settings.VSSID_SMS_HTTP_URL
        self.auth = (auth if auth is not None else settings.VSSID_SMS_HTTP_AUTH).lower()
        self.username = username if username is not None else settings.VSSID_SMS_HTTP_USERNAME
        self.password = password if password is not None else settings.VSSID_SMS_HTTP_PASSWORD
        self.token = token if token is not None else settings.VSSID_SMS_HTTP_TOKEN
        self.sender = sender if sender is not None else settings.VSSID_SMS_SENDER
        self.timeout = float(timeout if timeout is not None else settings.VSSID_SMS_HTTP_TIMEOUT)
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("VSSID_SMS_HTTP_URL must be the provider's http(s) address.")
        if self.auth not in ("basic", "bearer", "none"):
            raise ImproperlyConfigured("VSSID_SMS_HTTP_AUTH must be basic, bearer or none.")
        self._opener = urllib.request.build_opener(_NoRedirect)

    def send(self, to_e164: str, text: str, *, reference: str | None = None) -> str:
        payload = {"to": to_e164, "text": text, "sender": self.sender, "reference": reference}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if reference:
            headers["Idempotency-Key"] = reference
        headers.update(self._credentials())
        request = urllib.request.Request(
            self.url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                answer = response.read(_MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            error.close()
            raise self._classify(error.code) from None
        except urllib.error.URLError as error:  # refused, unreachable, name not found, TLS
            raise SmsTemporaryError(f"URLError {type(error.reason).__name__}") from None
        except (TimeoutError, OSError, http.client.HTTPException) as error:  # timed out mid-answer, reset
            raise SmsTemporaryError(type(error).__name__) from None
        return _provider_message_id(answer)

    def _credentials(self) -> dict[str, str]:
        if self.auth == "basic":
            pair = f"{self.username}:{self.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        if self.auth == "bearer":
            return {"Authorization": f"Bearer {self.token}"}
        return {}

    @staticmethod
    def _classify(status: int) -> SmsError:
        reason = f"HTTP {status}"
        if status >= 500 or status in _RETRIED_CLIENT_ERRORS:
            return SmsTemporaryError(reason)
        return SmsPermanentError(reason)


def _provider_message_id(answer: bytes) -> str:
    """The provider's id for the message, from the usual field names; "" when it gives none (the
    2xx status is what says the message was taken)."""
    try:
        data = json.loads(answer or b"null")
    except ValueError:
        return ""
    if isinstance(data, dict):
        for field in ("id", "message_id", "messageId"):
            value = data.get(field)
            if isinstance(value, (str, int)) and str(value):
                return str(value)[:100]
    return ""
