"""The QR code of a chip CCCD (from 2021, on the front) and of the Căn cước card (from 07/2024, on
the back).

Its text is ``số CCCD|số CMND cũ|Họ và tên|DDMMYYYY|Nam or Nữ|nơi thường trú|DDMMYYYY (ngày cấp)``:
- the old CMND field is often empty;
- the name is in title case with diacritics (the card prints it upper-case);
- newer cards carry more fields after the seventh (eleven seen) whose meaning is not published:
  they are kept as they are in ``extra_fields`` and never make the parse fail;
- addresses of cards issued after 07/2025 may name only two administrative levels.

Strict where the format is known: the CCCD number must be a valid one and agree with the date of
birth and sex in the same code (the rules of ``identity``); dates must be real; the sex must read
Nam or Nữ.
"""
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from .errors import InvalidValue, invalid
from .identity import check_cccd_agrees_with_holder, normalize_cccd, normalize_cmnd
from .qr_text import date_from_compact, is_blank, qr_fields
from .text import fold

FIELD_COUNT = 7
SEX_WORDS = {"nam": "male", "nu": "female"}  # folded, so "Nữ", "NỮ" and a diacritic-less "Nu" read alike


@dataclass(frozen=True, slots=True)
class CccdQrData:
    kind: ClassVar[str] = "cccd"

    id_number: str
    old_id_number: str | None
    full_name: str
    date_of_birth: date
    sex: str  # "male" | "female"
    address: str | None
    issue_date: date
    extra_fields: tuple[str, ...] = ()

    def to_json_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id_number": self.id_number,
            "old_id_number": self.old_id_number,
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
            "address": self.address,
            "issue_date": self.issue_date.isoformat(),
            "extra_fields": list(self.extra_fields),
        }


def parse_cccd_qr(text: str) -> CccdQrData:
    return cccd_from_fields(qr_fields(text))


def cccd_from_fields(fields: list[str]) -> CccdQrData:
    """The card from already cleaned fields (see ``qr_text.qr_fields``)."""
    fields = list(fields)
    # A trailing "|" (some readers add one) is not an extra field.
    while len(fields) > FIELD_COUNT and not fields[-1]:
        fields.pop()
    if len(fields) < FIELD_COUNT:
        raise invalid("cccd_qr_field_count", count=len(fields))
    id_field, old_id_field, name_field, birth_field, sex_field, address_field, issue_field, *extra = fields

    try:
        id_number = normalize_cccd(id_field)
    except InvalidValue as error:
        raise invalid("cccd_qr_id_number") from error
    old_id_number = None
    if not is_blank(old_id_field):
        try:
            old_id_number = normalize_cmnd(old_id_field)
        except InvalidValue as error:
            raise invalid("cccd_qr_old_id_number") from error
    if is_blank(name_field):
        raise invalid("cccd_qr_full_name")
    date_of_birth = date_from_compact(birth_field)
    if date_of_birth is None:
        raise invalid("cccd_qr_date_of_birth")
    sex = SEX_WORDS.get(fold(sex_field))
    if sex is None:
        raise invalid("cccd_qr_sex")
    issue_date = date_from_compact(issue_field)
    if issue_date is None or issue_date < date_of_birth:
        raise invalid("cccd_qr_issue_date")
    try:
        check_cccd_agrees_with_holder(id_number, date_of_birth=date_of_birth, sex=sex)
    except InvalidValue as error:
        raise invalid("cccd_qr_id_number_mismatch") from error

    return CccdQrData(
        id_number=id_number,
        old_id_number=old_id_number,
        full_name=name_field,
        date_of_birth=date_of_birth,
        sex=sex,
        address=None if is_blank(address_field) else address_field,
        issue_date=issue_date,
        extra_fields=tuple(extra),
    )
