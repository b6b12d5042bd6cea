"""What the CCCD and BHYT QR parsers share: turning scanned text into fields, and their date forms.

Scanned text is messier than typed text. Hardware scanners in keyboard mode append CR/LF (or a
tab), phone apps may keep a byte-order mark, and a scanner set to the wrong code page turns
Vietnamese letters into replacement characters (U+FFFD) or, through Python, lone surrogates. The
first two are cleaned away; the last two are refused, because a name with a lost letter is a wrong
name, and guessing the letter back is not ours to do.
"""
import re
import unicodedata
from datetime import date

from .errors import invalid
from .text import normalize_text

SEPARATOR = "|"
PLACEHOLDER = "-"

_REPLACEMENT_CHARACTER = "\ufffd"
_COMPACT_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})", re.ASCII)
_SLASHED_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def qr_fields(text: str) -> list[str]:
    """The ``|``-separated fields, each NFC with control characters gone and whitespace collapsed."""
    if any(char == _REPLACEMENT_CHARACTER or unicodedata.category(char) == "Cs" for char in text):
        raise invalid("qr_encoding")
    fields = [normalize_text(field) for field in text.split(SEPARATOR)]
    if not any(fields):
        raise invalid("qr_empty")
    return fields


def is_blank(field: str) -> bool:
    """Empty, or the ``-`` that BHYT codes (and some CCCD codes) put for "nothing here"."""
    return field in ("", PLACEHOLDER)


def date_from_compact(field: str) -> date | None:
    """``DDMMYYYY`` (the CCCD form) as a real date, or None."""
    match = _COMPACT_DATE.fullmatch(field)
    return _real_date(*match.groups()) if match else None


def date_from_slashes(field: str) -> date | None:
    """``dd/mm/yyyy`` (the BHYT form) as a real date, or None; leading spaces are already gone."""
    match = _SLASHED_DATE.fullmatch(field)
    return _real_date(*match.groups()) if match else None


def year_only(field: str) -> int | None:
    """A bare ``yyyy``: BHYT records of people whose day of birth was never registered."""
    return int(field) if _YEAR.fullmatch(field) and int(field) > 0 else None


def text_from_hex(field: str) -> str | None:
    """Hex-encoded UTF-8 (BHYT names and addresses) as text, or None when it is not exactly that.

    Either case of hex digits. Odd length, non-hex characters or bytes that are not UTF-8 give None,
    never a guess at another encoding.
    """
    if is_blank(field):
        return None
    digits = "".join(field.split())
    if len(digits) % 2 or not digits or not set(digits) <= _HEX_DIGITS:
        return None
    try:
        decoded = bytes.fromhex(digits).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return normalize_text(decoded) or None


def _real_date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
