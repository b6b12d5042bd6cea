"""Which card a scanned QR text comes from, and its parsed content.

The web's "quét mã QR" buttons and the ``vssid card parse`` command call ``parse_card_qr``; it
never raises anything but ``InvalidValue``, whatever the text.

How a text is recognised (without trusting any single field, since any one may be damaged):
- CCCD: at least 7 fields with the sex word (Nam/Nữ) fifth, or a 12-digit first field;
- BHYT: a closing ``$`` field, at least 14 fields with the sex code (1/2) fourth, or a first field
  shaped like a BHYT card number (15 characters or 10 digits).
A text with a single field is neither: a bare number is something typed, not a card's QR code.
"""
import re
from typing import Literal

from .bhyt_qr import END_MARK, MINIMUM_FIELDS, SEX_CODES, BhytQrData, bhyt_from_fields
from .cccd_qr import FIELD_COUNT, SEX_WORDS, CccdQrData, cccd_from_fields
from .errors import invalid
from .qr_text import qr_fields
from .text import compact_code, fold

QrKind = Literal["cccd", "bhyt"]

_CCCD_NUMBER = re.compile(r"[0-9]{12}", re.ASCII)
_BHYT_CARD_NUMBER = re.compile(r"[A-Za-z]{2}[0-9]{13}|[0-9]{10}", re.ASCII)


def parse_card_qr(text: str) -> CccdQrData | BhytQrData:
    fields = qr_fields(text)
    if _kind_of(fields) == "cccd":
        return cccd_from_fields(fields)
    return bhyt_from_fields(fields)


def detect_qr_kind(text: str) -> QrKind:
    return _kind_of(qr_fields(text))


def _kind_of(fields: list[str]) -> QrKind:
    if len(fields) > 1:
        first = compact_code(fields[0])
        if (len(fields) >= FIELD_COUNT and fold(fields[4]) in SEX_WORDS) or _CCCD_NUMBER.fullmatch(first):
            return "cccd"
        data_fields = [field for field in fields if field]
        if (
            data_fields[-1] == END_MARK
            or (len(fields) >= MINIMUM_FIELDS and fields[3] in SEX_CODES)
            or _BHYT_CARD_NUMBER.fullmatch(first)
        ):
            return "bhyt"
    raise invalid("qr_unknown_kind")
