"""The English translation is complete, compiled and up to date with the source.

Vietnamese is the source language (the msgids); ``src/vssid/locale/en/LC_MESSAGES/django.po`` holds
the English, and the compiled ``django.mo`` next to it is committed so that running the service
needs no gettext. When a test here fails, run ``make messages``, translate the new entries, and run
``make messages`` again (README, "Translations").
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import vssid

PACKAGE = Path(vssid.__file__).resolve().parent
PO_PATH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
HOW_TO_FIX = "run `make messages`, translate the new entries in the en django.po, then `make messages` again"

# printf-style placeholders: %(name)s, %s, %d, %.1f … ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z%]")


def placeholders(text: str) -> list[str]:
    return sorted(match for match in PLACEHOLDER.findall(text) if match != "%%")


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    """The entries in use: obsolete ones (``#~``, kept by msgmerge for reuse) are not compiled."""
    return [entry for entry in po if not entry.obsolete]


def key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return entry.msgctxt, entry.msgid, entry.msgid_plural


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing: {HOW_TO_FIX}"
    return polib.pofile(str(PO_PATH))


def test_every_entry_is_translated_and_not_fuzzy(po):
    assert len(live_entries(po)) > 500, "the English catalogue looks truncated"
    assert not po.metadata_is_fuzzy, "the .po header is marked fuzzy"
    assert po.metadata.get("Language") == "en"
    problems = []
    for entry in live_entries(po):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            if sorted(forms) != [0, 1] or not all(text.strip() for text in forms.values()):
                problems.append(f"untranslated plural: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, f"{len(problems)} entries to fix ({HOW_TO_FIX}):\n" + "\n".join(problems)


def test_translations_keep_every_placeholder(po):
    problems = []
    for entry in live_entries(po):
        if entry.msgid_plural:
            expected = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            # English singular forms may name the count in words, but keep every placeholder here.
            for form, text in sorted(entry.msgstr_plural.items()):
                if set(placeholders(text)) != expected:
                    problems.append(f"{entry.msgid!r} [{form}]: {sorted(expected)} ≠ {placeholders(text)} in {text!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(f"{entry.msgid!r}: {placeholders(entry.msgid)} ≠ {placeholders(entry.msgstr)} "
                            f"in {entry.msgstr!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_python_format_entries_format_cleanly(po):
    """What Django will actually do with each string: ``msgstr % values`` must not raise."""
    for entry in live_entries(po):
        names = re.findall(r"%\(([^)]+)\)", entry.msgid)
        if not names:
            continue
        values = {name: 1 for name in names}
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            text % values  # noqa: B018 — raises on a malformed placeholder


def test_sms_texts_stay_ascii(po):
    """SMS texts are GSM 7-bit ASCII by design (notify.sms_texts): one non-ASCII letter in the
    English turns the message into UCS-2 and halves its length."""
    sms = [entry for entry in live_entries(po) if any("sms_texts.py" in path for path, _ in entry.occurrences)]
    assert sms, "the SMS texts of notify/sms_texts.py are no longer in the catalogue"
    assert [entry.msgstr for entry in sms if not entry.msgstr.isascii()] == []


def test_compiled_catalogue_matches_the_po(po):
    assert MO_PATH.is_file(), f"{MO_PATH} is missing: run `make messages`"
    mo = polib.mofile(str(MO_PATH))
    compiled = {key(entry): (entry.msgstr, dict(entry.msgstr_plural)) for entry in mo if entry.msgid}
    source = {
        key(entry): (entry.msgstr, dict(entry.msgstr_plural))
        for entry in live_entries(po) if entry.translated()
    }
    assert compiled == source, "django.mo is older than django.po: run `make messages`"


def _extract_messages(tmp_path, monkeypatch, settings) -> polib.POFile:
    """Run makemessages on a copy of the package (only the files it reads), into a scratch locale
    folder: the committed catalogue is never touched."""
    copy = tmp_path / "vssid"

    def skip(directory, names):
        return [name for name in names
                if name in ("__pycache__", "locale")
                or (Path(directory, name).is_file() and Path(name).suffix not in (".py", ".html", ".txt"))]

    shutil.copytree(PACKAGE, copy, ignore=skip)
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], ignore_patterns=["*/migrations/*"], keep_pot=True, verbosity=0)
    return polib.pofile(str(copy / "locale" / "django.pot"))


def test_catalogue_has_every_message_of_the_source(po, tmp_path, monkeypatch, settings):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("gettext is needed to check the catalogue against the source: "
                    "apt-get install -y gettext (the Makefile's `browser` target installs it as root)")
    extracted = {key(entry) for entry in _extract_messages(tmp_path, monkeypatch, settings) if entry.msgid}
    committed = {key(entry) for entry in live_entries(po)}
    missing = sorted(extracted - committed, key=str)
    stale = sorted(committed - extracted, key=str)
    assert not missing, (f"{len(missing)} messages of the source are not in the en django.po ({HOW_TO_FIX}):\n"
                         + "\n".join(msgid for _, msgid, _ in missing))
    assert not stale, (f"{len(stale)} entries of the en django.po are no longer in the source: run `make messages`\n"
                       + "\n".join(msgid for _, msgid, _ in stale))


@pytest.mark.django_db
def test_vietnamese_is_the_default(client):
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page
    assert "Đăng ký tài khoản giao dịch điện tử với BHXH" in page
    assert 'value="en" lang="en">English</button>' in page


@pytest.mark.django_db
def test_english_once_chosen_is_the_whole_page(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Register for an electronic transactions account with BHXH" in page
    assert "Đăng ký tài khoản" not in page
    assert 'value="vi" lang="vi">Tiếng Việt</button>' in page


@pytest.mark.django_db
def test_the_switch_turns_every_page_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    start = client.get("/").content.decode()
    assert "Register for an electronic transactions account with BHXH" in start
    assert "Start now" in start

    # The first step of the declaration: its button is "Continue" rather than "Tiếp tục".
    step = client.get(client.post("/").url).content.decode()
    assert '<html lang="en">' in step
    assert ">Continue</button>" in step
    assert "Tiếp tục" not in step

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "Đăng ký tài khoản giao dịch điện tử với BHXH" in client.get("/").content.decode()
