"""Log lines: JSON in production, text in development, personal data masked in both."""
import io
import json
import logging
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vssid.core.logs import MASK, JsonFormatter, PlainFormatter, log_format, redact, request_id_var


@pytest.mark.parametrize("secret", [
    "001196054321",  # CCCD
    "0198765432",  # mã số BHXH
    "123456789",  # CMND
    "+84987650123", "+84 987 650 123", "0987650123", "0987 650 123", "0987.650.123",
    "hoami.canary@example.vn", "Hoa.Mi+vssid@mail.example.com.vn",
    "Xq3vJ0s8_kP2-mT7wZ9aB4cD6eF1gH5iK0lM",  # a confirmation token
])
def test_personal_numbers_addresses_and_tokens_are_masked(secret):
    masked = redact(f"before {secret} after")
    assert secret not in masked
    assert masked.startswith("before ") and masked.endswith(" after") and MASK in masked


@pytest.mark.parametrize("kept", [
    "Task id=0b9c4f7e-1d2a-4c3b-9e8f-123456789012 path=vssid.notify.tasks.deliver_sms state=SUCCESSFUL",
    "listening at http://0.0.0.0:8000 (pid 4021), 3 workers, 2026-03-02T09:00:00+07:00, 12.5 ms",
])
def test_ordinary_operational_text_is_kept(kept):
    assert redact(kept) == kept


@given(st.text(alphabet="0123456789", min_size=9, max_size=20), st.sampled_from(["", " ", "số ", "cccd="]))
def test_any_long_number_is_masked(number, prefix):
    assert number not in redact(f"{prefix}{number}.")


def _record(message, *args, exc_info=None, **extra):
    record = logging.LogRecord("vssid.test", logging.WARNING, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return record


def test_a_json_line_has_the_fields_and_masks_message_arguments_and_tracebacks():
    try:
        raise ValueError("số điện thoại 0987650123 không hợp lệ")
    except ValueError:
        exc_info = sys.exc_info()
    token = request_id_var.set("5f0c6b1a9d2e4f3a8b7c6d5e4f3a2b1c")
    try:
        line = JsonFormatter().format(_record("gửi cho %s", "hoami.canary@example.vn", exc_info=exc_info,
                                              route="declarations:contact", status=200, duration_ms=12.5))
    finally:
        request_id_var.reset(token)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "WARNING" and parsed["logger"] == "vssid.test"
    assert parsed["message"] == f"gửi cho {MASK}"
    assert parsed["request_id"] == "5f0c6b1a9d2e4f3a8b7c6d5e4f3a2b1c"
    assert (parsed["route"], parsed["status"], parsed["duration_ms"]) == ("declarations:contact", 200, 12.5)
    assert "ValueError" in parsed["exception"] and "0987650123" not in parsed["exception"]
    assert parsed["time"].endswith("+00:00")


def test_the_plain_format_is_masked_too_and_keeps_the_request_id():
    text = PlainFormatter().format(_record("CCCD %s", "001196054321", request_id="a" * 32, route="healthz"))
    assert "001196054321" not in text and f"request_id={'a' * 32}" in text and "route=healthz" in text


def test_the_record_itself_is_left_alone():
    """Masking happens in the output only: other handlers (and tests looking for leaks) see the truth."""
    record = _record("CCCD %s", "001196054321")
    JsonFormatter().format(record)
    assert record.getMessage() == "CCCD 001196054321"


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "plain"), ({"VSSID_ENV": "production"}, "json"), ({"LOG_FORMAT": "json"}, "json"),
    ({"VSSID_ENV": "production", "LOG_FORMAT": "plain"}, "plain"), ({"LOG_FORMAT": "xml"}, "plain"),
])
def test_log_format_from_the_environment(monkeypatch, env, expected):
    monkeypatch.delenv("VSSID_ENV", raising=False)
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert log_format() == expected


def test_configured_json_logging_writes_masked_lines_to_stderr(tmp_path):
    """settings.LOGGING with LOG_FORMAT=json (production's default), end to end."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('vssid.anything').warning('hello %s', '+84987650123')"
    )
    env = {"PATH": "/usr/bin:/bin", "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "vssid.settings",
           "VSSID_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"level": "WARNING", "logger": "vssid.anything", "message": f"hello {MASK}"}.items() <= lines[-1].items()


def test_json_handler_writes_one_object_per_line():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("vssid.test.lines")
    logger.addHandler(handler)
    try:
        logger.warning("first\nsecond line")
        logger.warning("third")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["first\nsecond line", "third"]
