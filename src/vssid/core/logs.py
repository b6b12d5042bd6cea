"""Log lines: one JSON object per line in production, readable text in development, and both
pass through `redact()` so a personal number or address that slipped into a message is masked.

A stdlib `logging.Formatter` rather than structlog: every line here comes from the standard
`logging` module (Django, gunicorn, django-tasks, our code), so rendering those records is the
whole job, and one formatter does it with no second logging API to learn or configure.

Redaction happens while formatting, never by editing the record: a filter that rewrote records
would also hide a leak from the tests that look for one (tests/core/test_pii_canary.py).

Importable without Django set up: settings.py and the gunicorn configuration use it.
"""
import contextvars
import json
import logging
import os
import re
from datetime import datetime, timezone

# The request being answered by this thread (set by vssid.core.observability), for every line
# logged while answering it.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("vssid_request_id", default=None)

# Fields a record may carry through `extra=` that belong in the JSON object.
EXTRA_FIELDS = ("request_id", "route", "method", "status", "duration_ms")

MASK = "[redacted]"
# Safety net, not the policy: code never logs personal data; this catches what slips through.
_PATTERNS = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # email addresses
    re.compile(r"(?:\+84|\b0)(?:[\s.-]?\d){9}\b"),  # Vietnamese phone numbers, +84… or 0…, spaced or not
    re.compile(r"\d{9,}"),  # CCCD (12), mã số BHXH (10), CMND (9) numbers
]
# URL tokens (a confirmation link is a key to a declaration).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")
# UUIDs are kept whole: record ids help whoever reads the log and say nothing about a person.
_UUID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.IGNORECASE)


def _redact_piece(text: str) -> str:
    for pattern in (_TOKEN, *_PATTERNS):
        text = pattern.sub(MASK, text)
    return text


def redact(text: str) -> str:
    pieces = _UUID.split(text)  # odd indexes are the UUIDs themselves
    return "".join(piece if i % 2 else _redact_piece(piece) for i, piece in enumerate(pieces))


def request_id_of(record: logging.LogRecord) -> str | None:
    """The id of the request a line belongs to: given with the line, or of the request running now,
    or of the request Django attaches to its own lines (its 4xx lines are written after every
    middleware has returned)."""
    return (getattr(record, "request_id", None) or request_id_var.get()
            or getattr(getattr(record, "request", None), "request_id", None))


def log_format() -> str:
    """LOG_FORMAT=json|plain; production defaults to json. One rule for Django and gunicorn."""
    default = "json" if os.environ.get("VSSID_ENV") == "production" else "plain"
    chosen = os.environ.get("LOG_FORMAT", default).strip().lower()
    return chosen if chosen in ("json", "plain") else default


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = request_id_of(record)
        if request_id:
            line["request_id"] = request_id
        for field in EXTRA_FIELDS[1:]:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = redact(record.exc_text)
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """Development: `time LEVEL logger [request id] message`, redacted like the JSON lines."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record))
        request_id = request_id_of(record)
        return f"{text} request_id={request_id}" if request_id else text

    def formatMessage(self, record: logging.LogRecord) -> str:
        # The request line's fields (route, status, duration) are shown after its message.
        extras = " ".join(f"{f}={getattr(record, f)}" for f in EXTRA_FIELDS[1:] if getattr(record, f, None) is not None)
        text = super().formatMessage(record)
        return f"{text} {extras}" if extras else text


def make_formatter() -> logging.Formatter:
    """The formatter LOG_FORMAT chooses (a dictConfig "()" factory)."""
    return JsonFormatter() if log_format() == "json" else PlainFormatter()


def logging_config(level: str = "INFO") -> dict:
    """The dictConfig of the web and worker processes (settings.LOGGING): everything to stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"vssid": {"()": "vssid.core.logs.make_formatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "vssid"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (console when DEBUG, mail_admins) are replaced by the root's:
            # every line passes through the same formatter and its redaction.
            "django": {"handlers": [], "level": "INFO"},
            "django.db.backends": {"level": "WARNING"},
            # The request line of vssid.core.observability replaces runserver's, which shows the
            # raw path and query string.
            "django.server": {"level": "WARNING"},
        },
    }
