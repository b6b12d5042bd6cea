"""``vssid card parse``: JSON on standard output, or one line on standard error and nothing else."""
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CCCD_QR = "001190012345||Trần Thị Bình|15031990|Nữ|Hà Nội|01022021"
CCCD_JSON = {
    "kind": "cccd", "id_number": "001190012345", "old_id_number": None, "full_name": "Trần Thị Bình",
    "date_of_birth": "1990-03-15", "sex": "female", "address": "Hà Nội", "issue_date": "2021-02-01",
    "extra_fields": [],
}
VSSID = Path(sys.executable).with_name("vssid")


def run_vssid(*args: str, stdin: bytes = b"", tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VSSID), *args], input=stdin, capture_output=True, cwd=tmp_path, timeout=120)


@pytest.fixture(scope="module")
def tmp_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("card-command")


def test_the_console_script_prints_one_json_object_for_a_qr_text(tmp_dir):
    result = run_vssid("card", "parse", CCCD_QR, tmp_path=tmp_dir)
    assert result.returncode == 0, result.stderr.decode()
    output = result.stdout.decode("utf-8")
    assert output.count("\n") == 1
    assert json.loads(output) == CCCD_JSON
    assert "Trần Thị Bình" in output  # not \u-escaped
    assert result.stderr == b""


def test_the_console_script_reads_standard_input_for_a_dash_or_no_text(tmp_dir):
    scanned = (CCCD_QR + "\r\n").encode("utf-8")
    for args in (("card", "parse", "-"), ("card", "parse")):
        result = run_vssid(*args, stdin=scanned, tmp_path=tmp_dir)
        assert result.returncode == 0, result.stderr.decode()
        assert json.loads(result.stdout) == CCCD_JSON


def test_the_console_script_refuses_with_one_line_on_stderr_and_nothing_on_stdout(tmp_dir):
    result = run_vssid("card", "parse", "not a card", tmp_path=tmp_dir)
    assert result.returncode != 0
    assert result.stdout == b""
    error = result.stderr.decode("utf-8")
    assert error.count("\n") == 1 and "qr_unknown_kind" in error


def test_bytes_that_are_not_utf8_are_refused_as_a_wrong_code_page(tmp_dir):
    result = run_vssid("card", "parse", stdin="001190012345||Tr".encode() + b"\xe0\xa4|x", tmp_path=tmp_dir)
    assert result.returncode != 0 and result.stdout == b""
    assert "qr_encoding" in result.stderr.decode("utf-8")


def test_call_command_writes_the_json():
    out = io.StringIO()
    call_command("card", "parse", CCCD_QR, stdout=out)
    assert json.loads(out.getvalue()) == CCCD_JSON


def test_call_command_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CCCD_QR.encode("utf-8")), encoding="utf-8"))
    out = io.StringIO()
    call_command("card", "parse", "-", stdout=out)
    assert json.loads(out.getvalue()) == CCCD_JSON


def test_call_command_raises_a_command_error_naming_the_code():
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("card", "parse", CCCD_QR.replace("15031990", "15031991"), stdout=out)
    assert str(caught.value).startswith("cccd_qr_id_number_mismatch: ")
    assert out.getvalue() == ""


def test_a_subcommand_is_required():
    with pytest.raises(CommandError, match="SUBCOMMAND"):
        call_command("card")
