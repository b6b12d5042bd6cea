"""Họ và tên: the citizen's full name as written on their identity document.

Stored NFC with single spaces and in the case the citizen typed it (the CCCD QR code gives it in
title case, people type it in any case); BHXH forms print it upper-case (``display_name``).

Allowed: letters of the Latin script, which covers every Vietnamese letter with its diacritics and
the romanised names in foreigners' passports, plus spaces, and the apostrophe and hyphen that
foreign names carry (O'Brien, Jean-Pierre). Names in other scripts are refused with their own
message: BHXH records, like passports' machine-readable lines, hold the Latin form.
"""
import unicodedata

from .errors import invalid
from .text import normalize_text

MINIMUM_LENGTH = 2
MAXIMUM_LENGTH = 100

_JOINERS = frozenset("'-")
# What phones and word processors put in place of a plain apostrophe or hyphen.
_JOINER_LOOKALIKES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "‐": "-", "‑": "-"})
# How many offending characters a message names; a pasted paragraph needs no full inventory.
_MAXIMUM_NAMED_CHARACTERS = 5


def normalize_full_name(raw: str | None) -> str:
    name = normalize_text(raw or "").translate(_JOINER_LOOKALIKES)
    if not name:
        raise invalid("full_name_required")
    if any(unicodedata.category(char).startswith("N") for char in name):
        raise invalid("full_name_digits")
    symbols = _distinct(char for char in name if not (_is_letter_or_mark(char) or char == " " or char in _JOINERS))
    if symbols:
        raise invalid("full_name_symbols", characters=" ".join(symbols[:_MAXIMUM_NAMED_CHARACTERS]))
    if not all(_is_latin(char) for char in name if unicodedata.category(char).startswith("L")):
        raise invalid("full_name_not_latin")
    if any(char in _JOINERS and not _between_letters(name, index) for index, char in enumerate(name)):
        raise invalid("full_name_misplaced_punctuation")
    if len(name) < MINIMUM_LENGTH:
        raise invalid("full_name_too_short")
    if len(name) > MAXIMUM_LENGTH:
        raise invalid("full_name_too_long", limit=MAXIMUM_LENGTH, count=len(name))
    return name


def display_name(name: str) -> str:
    """The name as BHXH forms print it: ``Nguyễn Văn An`` → ``NGUYỄN VĂN AN``."""
    return unicodedata.normalize("NFC", normalize_text(name).upper())


def _is_letter_or_mark(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


def _is_latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


def _between_letters(name: str, index: int) -> bool:
    return 0 < index < len(name) - 1 and _is_letter_or_mark(name[index - 1]) and unicodedata.category(
        name[index + 1]
    ).startswith("L")


def _distinct(chars) -> list[str]:
    return list(dict.fromkeys(chars))
