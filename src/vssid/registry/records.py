"""A registry record as an import file, a generator or the look-up form gives it, checked with the
card rules (``vssid.cards``): one source for what a valid name, number or date is.

Problems are reported as (field, code) pairs. Codes are the card rules' stable codes
(``full_name_digits``, ``cccd_birth_year_mismatch``…) plus the few this module adds for what only a
registry row has (``sex``, ``province_code``, ``date_of_birth_format``…). A code never carries the
value that was refused, so an import report can be shared without sharing anyone's data.
"""
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_noop

from vssid.cards import bhxh, dates, identity, names, phones
from vssid.cards.errors import InvalidValue
from vssid.cards.text import compact_code, fold, is_ascii_digits

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
# What a sex column may say: our values, the words on Vietnamese forms (folded: "Nữ" → "nu"), and the
# 1/2 of BHYT cards' QR codes.
_SEXES = {"male": "male", "nam": "male", "1": "male", "female": "female", "nu": "female", "2": "female"}


def _refusal(code: str, message: str, **params) -> InvalidValue:
    return InvalidValue(code, message, params)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person of the registry, every value normalised."""

    social_insurance_number: str
    full_name: str
    date_of_birth: date  # 1 January of the year when birth_year_only
    birth_year_only: bool
    sex: str  # "male" | "female"
    province_code: str  # a 2025 province (places.Province)
    id_number: str = ""  # CCCD, CMND or passport; "" when none is on record
    phone: str = ""  # E.164; "" when none is on record

    @property
    def full_name_folded(self) -> str:
        return fold(self.full_name)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str  # a CSV column, or "" for the row as a whole
    code: str


def normalize_id_number(raw: str | None, *, date_of_birth: date | None = None, sex: str | None = None) -> str:
    """A CCCD, CMND or passport number whose kind is not given, told apart by its shape.

    12 digits: the personal identification number (CCCD, and the 12-digit CMND some provinces issued
    from 2012, which carries the same number), so it must agree with the date of birth and sex when
    they are known. 9 digits: a CMND. Letters and digits: a passport. Digits of any other length are
    refused rather than taken for a foreign passport: they are far more often a CCCD or CMND number
    with a digit missing or doubled.
    """
    number = compact_code(raw).upper()
    if not number:
        raise _refusal("id_number_required", gettext_noop("Nhập số CCCD, CMND hoặc hộ chiếu."))
    if is_ascii_digits(number):
        if len(number) == identity.CCCD_LENGTH:
            return identity.normalize_cccd(number, date_of_birth=date_of_birth, sex=sex)
        if len(number) == identity.CMND_LENGTHS[0]:
            return identity.normalize_cmnd(number)
        raise _refusal(
            "id_number_length",
            gettext_noop("Số CCCD gồm 12 chữ số, số CMND gồm 9 chữ số; bạn đã nhập %(count)s chữ số."),
            count=len(number),
        )
    return identity.normalize_passport(number)


def parse_birth(raw: str | None, *, today: date) -> tuple[date, bool]:
    """``YYYY-MM-DD`` or a year alone ``YYYY`` → (date, year only?), with the card rules' limits."""
    text = (raw or "").strip()
    if not text:
        raise _refusal("date_required", gettext_noop("Nhập ngày sinh."))
    if _YEAR.fullmatch(text):
        # 1 January of a year is never after today, so only "too old" can refuse it here.
        return dates.parse_date_of_birth("1", "1", text, today=today), True
    match = _ISO_DATE.fullmatch(text)
    if not match:
        raise _refusal("date_of_birth_format", gettext_noop("Ngày sinh viết theo dạng NNNN-TT-NN hoặc chỉ năm NNNN."))
    year, month, day = match.groups()
    return dates.parse_date_of_birth(day, month, year, today=today), False


def parse_sex(raw: str | None) -> str:
    sex = _SEXES.get(fold(raw or ""))
    if sex is None:
        raise _refusal("sex", gettext_noop("Giới tính là male/female, Nam/Nữ hoặc 1/2."))
    return sex


def parse_province_code(raw: str | None, known: Collection[str]) -> str:
    code = compact_code(raw)
    if len(code) == 1 and code.isdigit():  # "1" from a spreadsheet that dropped the leading zero
        code = "0" + code
    if code not in known:
        raise _refusal("province_code", gettext_noop("Mã tỉnh/thành phố phải là một trong 34 mã từ 01/07/2025."))
    return code


def check_record(
    raw: Mapping[str, str | None], *, province_codes: Collection[str], today: date
) -> tuple[PersonRecord | None, list[FieldProblem]]:
    """Every problem of one row (not only the first), or the normalised record."""
    problems: list[FieldProblem] = []

    def attempt(field, rule, *args, **kwargs):
        try:
            return rule(*args, **kwargs)
        except InvalidValue as error:
            problems.append(FieldProblem(field, error.code))
            return None

    number = attempt("social_insurance_number", bhxh.normalize_social_insurance_number, raw.get("social_insurance_number"))
    full_name = attempt("full_name", names.normalize_full_name, raw.get("full_name"))
    birth = attempt("date_of_birth", parse_birth, raw.get("date_of_birth"), today=today)
    sex = attempt("sex", parse_sex, raw.get("sex"))
    province = attempt("province_code", parse_province_code, raw.get("province_code"), province_codes)
    id_number = ""
    if (raw.get("id_number") or "").strip():
        id_number = attempt(
            "id_number", normalize_id_number, raw.get("id_number"),
            date_of_birth=birth[0] if birth else None, sex=sex,
        )
    phone = ""
    if (raw.get("phone") or "").strip():
        phone = attempt("phone", phones.normalize_mobile, raw.get("phone"))
    if problems:
        return None, problems
    return PersonRecord(
        social_insurance_number=number,
        full_name=full_name,
        date_of_birth=birth[0],
        birth_year_only=birth[1],
        sex=sex,
        province_code=province,
        id_number=id_number,
        phone=phone,
    ), []
