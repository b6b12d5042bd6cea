"""Mã số BHXH and the BHYT (health-insurance) card number.

The mã số BHXH is 10 digits. It has no check digit: none is published, and inventing one would
refuse real numbers. So the only checks are "10 digits" and helpful hints for what people type
instead, above all the old 15-character BHYT card number that contains it.

BHYT card numbers (QĐ 1351/QĐ-BHXH, 2015): 2 letters for the beneficiary group (DN, HC, HT, HS, SV,
TE, GD, CH …), 1 digit for the benefit level (1–5; 0 never occurs), 2 digits for the province, then
the 10-digit mã số BHXH: ``HS4010120878811`` = HS / 4 / 01 / 0120878811. Since 04/2021
(QĐ 1666/QĐ-BHXH) new cards print only the 10 digits; old cards stay in use while valid. The list of
group codes has changed over the years, so any two letters are accepted and kept as printed.
"""
import re
from dataclasses import dataclass

from .errors import invalid
from .text import compact_code, is_ascii_digits

SOCIAL_INSURANCE_NUMBER_LENGTH = 10
BENEFIT_LEVELS = range(1, 6)

_OLD_CARD_NUMBER = re.compile(r"([A-Z]{2})([0-9])([0-9]{2})([0-9]{10})", re.ASCII)
_OLD_CARD_SHAPE = re.compile(r"[A-Za-z]{2}[0-9]{13}", re.ASCII)


@dataclass(frozen=True, slots=True)
class BhytCardNumber:
    """A BHYT card number taken apart; the three group fields are None on a 10-digit card."""

    card_number: str
    social_insurance_number: str
    object_code: str | None = None
    benefit_level: int | None = None
    province_code: str | None = None


def normalize_social_insurance_number(raw: str | None) -> str:
    number = compact_code(raw)
    if not number:
        raise invalid("social_insurance_number_required")
    if _OLD_CARD_SHAPE.fullmatch(number):
        raise invalid("social_insurance_number_is_bhyt_card", number=number[-SOCIAL_INSURANCE_NUMBER_LENGTH:])
    if not is_ascii_digits(number):
        raise invalid("social_insurance_number_not_digits")
    if len(number) != SOCIAL_INSURANCE_NUMBER_LENGTH:
        raise invalid("social_insurance_number_length", count=len(number))
    return number


def parse_bhyt_card_number(raw: str | None) -> BhytCardNumber:
    """Either form of the card number, as printed or typed (spaces and dashes allowed)."""
    number = compact_code(raw).upper()
    if not number:
        raise invalid("bhyt_card_number_required")
    if len(number) == SOCIAL_INSURANCE_NUMBER_LENGTH and is_ascii_digits(number):
        return BhytCardNumber(card_number=number, social_insurance_number=number)
    match = _OLD_CARD_NUMBER.fullmatch(number)
    if not match:
        raise invalid("bhyt_card_number_format")
    object_code, level, province_code, social_insurance_number = match.groups()
    if int(level) not in BENEFIT_LEVELS:
        raise invalid("bhyt_benefit_level", level=level)
    return BhytCardNumber(
        card_number=number,
        social_insurance_number=social_insurance_number,
        object_code=object_code,
        benefit_level=int(level),
        province_code=province_code,
    )


def social_insurance_number_from_bhyt_card(card_no: str | None) -> str:
    """The mã số BHXH inside a BHYT card number: its last 10 digits (or all of a 10-digit card)."""
    return parse_bhyt_card_number(card_no).social_insurance_number
