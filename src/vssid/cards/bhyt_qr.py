"""The QR code of a BHYT (health-insurance) card.

``|``-separated fields, normally closed by a literal ``$`` field; ``-`` means "nothing here". Old
cards (QĐ 1351/QĐ-BHXH) have 15 parts including the ``$``, new ones (QĐ 1666/QĐ-BHXH, 04/2021) 17:

| index | meaning                                                 | kept as                 |
|-------|---------------------------------------------------------|-------------------------|
| 0     | card number, 15 characters or 10 digits                 | parsed, strictly        |
| 1     | full name, hex-encoded UTF-8                            | text or None            |
| 2     | date of birth ``dd/mm/yyyy``, or only ``yyyy``          | date and year, strictly |
| 3     | sex, 1 = Nam, 2 = Nữ                                    | strictly                |
| 4     | address, hex                                            | text or None            |
| 5     | initial clinic ``01 - 009`` (province - facility)      | ``"01009"``, strictly   |
| 6, 7  | valid from, valid to (``-`` = open)                     | date or None, strictly  |
| 8     | issue date                                              | date or None, strictly  |
| 9     | management code (meaning uncertain)                     | as read                 |
| 10    | parent's name, hex                                      | text or None            |
| 11    | a code of uncertain meaning                             | as read                 |
| 12    | date from which 5 continuous years are counted          | date or None            |
| 13    | check string (algorithm not public: stored, never checked) | as read              |
| 14    | new cards: a code of uncertain meaning                  | as read                 |
| 15    | new cards: issuing place, hex                           | text or None            |

Why the hex: the card's QR generator wrote the Vietnamese fields as hex so any reader gets ASCII;
generic phone scanners then show "garbage", which users complain about. Only those four fields are
decoded (a 10-digit card number is valid hex too). A hex field that is not UTF-8 is unknown (None),
never guessed in another encoding.
"""
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from .bhxh import parse_bhyt_card_number
from .errors import InvalidValue, invalid
from .qr_text import date_from_slashes, is_blank, qr_fields, text_from_hex, year_only
from .text import is_ascii_digits

END_MARK = "$"
# Data fields (the "$" aside) up to the check string: what every card has.
MINIMUM_FIELDS = 14
SEX_CODES = {"1": "male", "2": "female"}
CLINIC_CODE_LENGTH = 5  # 2-digit province + 3-digit facility


@dataclass(frozen=True, slots=True)
class BhytQrData:
    kind: ClassVar[str] = "bhyt"

    card_number: str
    social_insurance_number: str
    object_code: str | None
    benefit_level: int | None
    province_code: str | None
    full_name: str | None
    date_of_birth: date | None  # None when the card carries only the year
    birth_year: int
    sex: str  # "male" | "female"
    address: str | None
    initial_clinic_code: str | None
    valid_from: date | None
    valid_to: date | None
    issue_date: date | None
    check_string: str | None
    # Kept for whoever finds a use; not part of the JSON contract.
    management_code: str | None = None
    parent_name: str | None = None
    continuous_five_years_from: date | None = None
    issuing_place: str | None = None

    @property
    def date_of_birth_text(self) -> str:
        """ISO 8601 date, or ``YYYY`` when only the year is known."""
        return self.date_of_birth.isoformat() if self.date_of_birth else f"{self.birth_year:04d}"

    def to_json_dict(self) -> dict:
        return {
            "kind": self.kind,
            "card_number": self.card_number,
            "social_insurance_number": self.social_insurance_number,
            "object_code": self.object_code,
            "benefit_level": self.benefit_level,
            "province_code": self.province_code,
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth_text,
            "sex": self.sex,
            "address": self.address,
            "initial_clinic_code": self.initial_clinic_code,
            "valid_from": _iso(self.valid_from),
            "valid_to": _iso(self.valid_to),
            "issue_date": _iso(self.issue_date),
            "check_string": self.check_string,
        }


def parse_bhyt_qr(text: str) -> BhytQrData:
    return bhyt_from_fields(qr_fields(text))


def bhyt_from_fields(fields: list[str]) -> BhytQrData:
    """The card from already cleaned fields (see ``qr_text.qr_fields``)."""
    fields = _without_end_mark(fields)
    if len(fields) < MINIMUM_FIELDS:
        raise invalid("bhyt_qr_field_count", count=len(fields), minimum=MINIMUM_FIELDS)
    field = dict(enumerate(fields)).get

    try:
        card = parse_bhyt_card_number(fields[0])
    except InvalidValue as error:
        code = "bhyt_qr_benefit_level" if error.code == "bhyt_benefit_level" else "bhyt_qr_card_number"
        raise invalid(code) from error
    date_of_birth, birth_year = _date_of_birth(fields[2])
    sex = SEX_CODES.get(fields[3])
    if sex is None:
        raise invalid("bhyt_qr_sex")
    valid_from = _optional_date(fields[6], "bhyt_qr_valid_from")
    valid_to = _optional_date(fields[7], "bhyt_qr_valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise invalid("bhyt_qr_validity_order")

    return BhytQrData(
        card_number=card.card_number,
        social_insurance_number=card.social_insurance_number,
        object_code=card.object_code,
        benefit_level=card.benefit_level,
        province_code=card.province_code,
        full_name=text_from_hex(fields[1]),
        date_of_birth=date_of_birth,
        birth_year=birth_year,
        sex=sex,
        address=text_from_hex(fields[4]),
        initial_clinic_code=_clinic_code(fields[5]),
        valid_from=valid_from,
        valid_to=valid_to,
        issue_date=_optional_date(fields[8], "bhyt_qr_issue_date"),
        check_string=_as_read(fields[13]),
        management_code=_as_read(fields[9]),
        parent_name=text_from_hex(fields[10]),
        continuous_five_years_from=date_from_slashes(fields[12]),
        issuing_place=text_from_hex(field(15, "")),
    )


def _without_end_mark(fields: list[str]) -> list[str]:
    """The data fields: trailing empties (a "|" after the "$") and the "$" itself removed; a code
    whose "$" was lost (some readers drop it) is read the same way."""
    fields = list(fields)
    while fields and not fields[-1]:
        fields.pop()
    if fields and fields[-1] == END_MARK:
        fields.pop()
    return fields


def _date_of_birth(field: str) -> tuple[date | None, int]:
    full_date = date_from_slashes(field)
    if full_date is not None:
        return full_date, full_date.year
    year = year_only(field)
    if year is None:
        raise invalid("bhyt_qr_date_of_birth")
    return None, year


def _optional_date(field: str, code: str) -> date | None:
    if is_blank(field):
        return None
    value = date_from_slashes(field)
    if value is None:
        raise invalid(code)
    return value


def _clinic_code(field: str) -> str | None:
    """``01 - 009`` → ``01009``: the province and facility codes as one string of digits."""
    if is_blank(field):
        return None
    digits = "".join(char for char in field if char not in " -")
    if len(digits) != CLINIC_CODE_LENGTH or not is_ascii_digits(digits):
        raise invalid("bhyt_qr_clinic")
    return digits


def _as_read(field: str) -> str | None:
    return None if is_blank(field) else field


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
