"""Identity documents: CCCD (citizen identity card), CMND (the older identity card), passport.

The CCCD number is the 12-digit personal identification number (NĐ 137/2015/NĐ-CP Article 13,
TT 07/2016/TT-BCA Article 7):
- digits 1–3: where the birth was registered (see ``birth_places``);
- digit 4: century of birth and sex, 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s,
  8/9 = 2300s (TT 07/2016 Article 7.2 lists thế kỷ 20 to thế kỷ 24; even = male, odd = female);
- digits 5–6: the last two digits of the year of birth;
- digits 7–12: random. There is no check digit.
So digits 4–6 must agree with the declared date of birth and sex; when they don't, one of the two
is mistyped, and the message says which part disagrees.

CMND: 9 digits (a few provinces issued 12-digit ones before the CCCD). Passport: a Vietnamese one is
one letter and 7 digits (C1234567); foreigners' passports vary, so 6–12 letters and digits.
"""
from dataclasses import dataclass
from datetime import date

from .birth_places import is_birth_registration_place_code, province_name
from .errors import invalid
from .text import compact_code, is_ascii_digits

DOCUMENT_TYPES = ("cccd", "cmnd", "passport")
SEXES = ("male", "female")

CCCD_LENGTH = 12
CMND_LENGTHS = (9, 12)
PASSPORT_LENGTHS = range(6, 13)


@dataclass(frozen=True, slots=True)
class CccdNumber:
    """What a (structurally valid) CCCD number says about its holder."""

    number: str
    place_code: str
    place_name: str | None  # a pre-2025 province, or None when the code is a country's
    sex: str  # "male" | "female"
    century_first_year: int  # 1900 for digit 4 = 0 or 1, …
    birth_year: int


def read_cccd_number(number: str) -> CccdNumber:
    """Takes apart a 12-digit number (call ``normalize_cccd`` first; this only reads)."""
    century_sex_digit = int(number[3])
    century_first_year = 1900 + 100 * (century_sex_digit // 2)
    return CccdNumber(
        number=number,
        place_code=number[:3],
        place_name=province_name(number[:3]),
        sex="female" if century_sex_digit % 2 else "male",
        century_first_year=century_first_year,
        birth_year=century_first_year + int(number[4:6]),
    )


def century_sex_digit(birth_year: int, sex: str) -> str:
    """Digit 4 of the CCCD number of a person born in ``birth_year`` (1900–2399)."""
    _check_sex(sex)
    century_index = birth_year // 100 - 19
    if not 0 <= century_index <= 4:
        raise ValueError(f"the CCCD scheme covers births from 1900 to 2399, not {birth_year}")
    return str(2 * century_index + (sex == "female"))


def normalize_cccd(raw: str | None, *, date_of_birth: date | None = None, sex: str | None = None) -> str:
    number = compact_code(raw)
    if not number:
        raise invalid("cccd_required")
    if not is_ascii_digits(number):
        raise invalid("cccd_not_digits")
    if len(number) == CMND_LENGTHS[0]:
        raise invalid("cccd_looks_like_cmnd")
    if len(number) != CCCD_LENGTH:
        raise invalid("cccd_length", count=len(number))
    if not is_birth_registration_place_code(number[:3]):
        raise invalid("cccd_place_code", place_code=number[:3])
    check_cccd_agrees_with_holder(number, date_of_birth=date_of_birth, sex=sex)
    return number


def check_cccd_agrees_with_holder(number: str, *, date_of_birth: date | None = None, sex: str | None = None) -> None:
    """Raises when digits 4–6 contradict what is known of the holder; each part is checked if given.

    The century is checked first: "born in the 2000s" against a 1990 birth is one clear statement,
    where a year comparison would say "2090 vs 1990".
    """
    card = read_cccd_number(number)
    if date_of_birth is not None:
        declared_year = date_of_birth.year
        if card.century_first_year != declared_year - declared_year % 100:
            raise invalid(
                "cccd_century_mismatch",
                card_first_year=card.century_first_year,
                card_last_year=card.century_first_year + 99,
                declared_year=declared_year,
            )
        if card.birth_year != declared_year:
            raise invalid("cccd_birth_year_mismatch", card_year=card.birth_year, declared_year=declared_year)
    if sex is not None:
        _check_sex(sex)
        if card.sex != sex:
            raise invalid("cccd_sex_mismatch")


def normalize_cmnd(raw: str | None) -> str:
    number = compact_code(raw)
    if not number:
        raise invalid("cmnd_required")
    if not is_ascii_digits(number):
        raise invalid("cmnd_not_digits")
    if len(number) not in CMND_LENGTHS:
        raise invalid("cmnd_length", count=len(number))
    return number


def normalize_passport(raw: str | None) -> str:
    number = compact_code(raw).upper()
    if not number:
        raise invalid("passport_required")
    if not (number.isascii() and number.isalnum()):
        raise invalid("passport_characters")
    if len(number) not in PASSPORT_LENGTHS:
        raise invalid("passport_length", count=len(number))
    return number


def is_vietnamese_passport_number(number: str) -> bool:
    """One letter and seven digits, the form of passports issued by Vietnam."""
    return len(number) == 8 and number[0].isascii() and number[0].isalpha() and is_ascii_digits(number[1:])


def normalize_id_document(
    document_type: str, raw: str | None, *, date_of_birth: date | None = None, sex: str | None = None
) -> str:
    """The number of the chosen document, normalised; only a CCCD encodes the date of birth and sex."""
    if document_type == "cccd":
        return normalize_cccd(raw, date_of_birth=date_of_birth, sex=sex)
    if document_type == "cmnd":
        return normalize_cmnd(raw)
    if document_type == "passport":
        return normalize_passport(raw)
    raise invalid("id_document_type")


def _check_sex(sex: str) -> None:
    # A programming error, not a citizen's: forms offer exactly these two values.
    if sex not in SEXES:
        raise ValueError(f"sex must be one of {SEXES}, not {sex!r}")
