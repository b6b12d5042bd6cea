"""Writes: loading an operator's office list from CSV.

The shipped office list is generated (see reference_data); an operator with the real list loads it
with `vssid places import-offices FILE.csv`, which calls `import_offices` here. The file format is
documented in docs/offices.md.

Rules that shape this code:
- Offices are never deleted: declarations point at them (on_delete=PROTECT) and must keep showing
  where the citizen was told to go. An office leaves the list by getting a `valid_to` date.
- Each row is checked on its own and refused with every reason found, so one bad line does not
  stop a file of hundreds; the good rows are upserted by `code`, so running the same file twice
  changes nothing the second time.
- The file is read as a stream (one row at a time, written in batches); only the set of codes seen
  is kept, to catch duplicates and to know which offices are missing from the file.
- The whole import is one transaction: a file that turns out not to be UTF-8 halfway through, or a
  crash, leaves the office list as it was.
"""
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from vssid.core.csv_files import csv_rows

from . import geo
from .models import Commune, Office, Province

COLUMNS = (
    "code", "name", "kind", "province_code", "commune_code", "address", "latitude", "longitude",
    "opening_hours", "phone", "valid_from", "valid_to",
)
OPTIONAL_COLUMNS = frozenset({"phone", "valid_to"})
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)

_BATCH_SIZE = 500
_CODE_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
_PHONE_PATTERN = re.compile(r"[0-9+().\- ]+")
_MAX_LENGTHS = {
    name: Office._meta.get_field(name).max_length
    for name in ("code", "name", "address", "opening_hours", "phone")
}
_WRITTEN_FIELDS = [
    "name", "kind", "province_id", "commune_id", "address", "latitude", "longitude", "opening_hours",
    "phone", "valid_from", "valid_to", "source",
]


class OfficeImportError(Exception):
    """The file as a whole cannot be used (nothing was written)."""


@dataclass(frozen=True)
class Problem:
    reason: str  # a stable identifier for scripts and tests ("required", "kind", "outside_vietnam"…)
    message: str  # for the operator, in Vietnamese


@dataclass(frozen=True)
class RefusedRow:
    line: int  # the line where the record starts in the file (the header is line 1)
    code: str  # as written in the file, possibly empty
    problems: tuple[Problem, ...]


@dataclass
class OfficeImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # codes
    retired_on: date | None = None  # the valid_to given to retired offices
    dry_run: bool = False

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


def import_offices(
    lines: Iterable[str],
    *,
    source: str,
    retire_missing: bool = False,
    dry_run: bool = False,
    today: date | None = None,
) -> OfficeImportReport:
    """Create or update offices from CSV text, row by row; optionally retire offices not in the file.

    `lines` is an iterable of text lines (a file opened with `encoding="utf-8-sig", newline=""`).
    Retiring sets `valid_to` to the day before `today` (Asia/Ho_Chi_Minh) on every office still
    valid today or later whose code does not appear in the file; a refused row's code counts as
    appearing, so a typo in one row does not close that office. With `dry_run`, everything is
    checked and counted and then rolled back.

    Raises OfficeImportError for problems with the whole file (no header, unknown or missing
    columns, not UTF-8, or nothing accepted while asked to retire the rest).
    """
    today = today or timezone.localdate()
    report = OfficeImportReport(dry_run=dry_run)
    commune_provinces = dict(Commune.objects.values_list("code", "province_id"))
    province_codes = set(Province.objects.values_list("code", flat=True))
    seen: dict[str, int] = {}  # code → line of its first occurrence
    mentioned: set[str] = set()  # codes of accepted and refused rows alike
    source = source[: Office._meta.get_field("source").max_length]

    with transaction.atomic():
        batch: list[dict] = []
        for line, raw in _records(lines):
            report.rows += 1
            code = raw.get("code", "").strip()
            if code:
                mentioned.add(code)
            values, problems = _check_row(raw, commune_provinces, province_codes)
            if code and code in seen:
                problems.append(Problem(
                    "duplicate_code", _("mã %(code)s đã có ở dòng %(line)s") % {"code": code, "line": seen[code]},
                ))
            elif code:
                seen[code] = line
            if problems:
                report.refused.append(RefusedRow(line=line, code=code, problems=tuple(problems)))
                continue
            batch.append(values)
            if len(batch) >= _BATCH_SIZE:
                _write_batch(batch, source, report)
                batch = []
        _write_batch(batch, source, report)

        if retire_missing:
            if report.accepted == 0:
                raise OfficeImportError(_(
                    "Không dòng nào hợp lệ: không cho ngừng cơ quan nào (--retire-missing bị bỏ qua)."
                ))
            _retire_offices_not_in(mentioned, today, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(starting line, {column: value}) for each non-empty record, after checking the header."""
    for start, header, row in csv_rows(lines, known=COLUMNS, required=REQUIRED_COLUMNS, error=OfficeImportError):
        if len(row) == len(header):
            yield start, dict(zip(header, row))
            continue
        code_index = header.index("code")
        yield start, {
            "code": row[code_index] if code_index < len(row) else "",
            "__columns__": _("có %(found)s cột, tiêu đề có %(expected)s") % {
                "found": len(row), "expected": len(header),
            },
        }


def _check_row(raw: dict[str, str], commune_provinces: dict[str, str], province_codes: set[str]):
    """(values ready to store, []) or (None, [problems])."""
    if "__columns__" in raw:
        return None, [Problem("column_count", raw["__columns__"])]
    text = {name: unicodedata.normalize("NFC", (raw.get(name) or "").strip()) for name in COLUMNS}
    problems: list[Problem] = []

    for name in REQUIRED_COLUMNS:
        if not text[name]:
            problems.append(Problem("required", _("thiếu %(column)s") % {"column": name}))
    for name, limit in _MAX_LENGTHS.items():
        if len(text[name]) > limit:
            problems.append(Problem("too_long", _("%(column)s dài quá %(limit)s ký tự") % {"column": name, "limit": limit}))
    if text["code"] and not _CODE_PATTERN.fullmatch(text["code"]):
        problems.append(Problem("code", _("mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới")))

    kind = text["kind"].lower()
    if text["kind"] and kind not in Office.Kind.values:
        problems.append(Problem("kind", _("kind phải là %(choices)s, không phải “%(value)s”") % {
            "choices": " hoặc ".join(Office.Kind.values), "value": text["kind"],
        }))

    # Spreadsheets drop leading zeros ("1" for "01", "70" for "00070"): put them back.
    province_code = _pad_digits(text["province_code"], 2)
    commune_code = _pad_digits(text["commune_code"], 5)
    if province_code and province_code not in province_codes:
        problems.append(Problem("unknown_province", _("không có tỉnh/thành phố mã %s") % province_code))
    if commune_code:
        commune_province = commune_provinces.get(commune_code)
        if commune_province is None:
            problems.append(Problem("unknown_commune", _("không có xã/phường mã %s") % commune_code))
        elif province_code in province_codes and commune_province != province_code:
            problems.append(Problem("commune_not_in_province", _(
                "xã/phường %(commune)s thuộc tỉnh/thành phố %(actual)s, không thuộc %(given)s"
            ) % {"commune": commune_code, "actual": commune_province, "given": province_code}))

    latitude = _parse_coordinate(text["latitude"], "latitude", problems)
    longitude = _parse_coordinate(text["longitude"], "longitude", problems)
    # Each axis on its own, so a swapped pair (21.0, 105.8 → 105.8, 21.0) is named on both.
    if latitude is not None and not geo.VIETNAM_MIN_LATITUDE <= latitude <= geo.VIETNAM_MAX_LATITUDE:
        problems.append(Problem("outside_vietnam", _(
            "latitude %(value)s nằm ngoài Việt Nam (%(min)s–%(max)s; vĩ độ là số nhỏ, ~8–23)"
        ) % {"value": text["latitude"], "min": geo.VIETNAM_MIN_LATITUDE, "max": geo.VIETNAM_MAX_LATITUDE}))
    if longitude is not None and not geo.VIETNAM_MIN_LONGITUDE <= longitude <= geo.VIETNAM_MAX_LONGITUDE:
        problems.append(Problem("outside_vietnam", _(
            "longitude %(value)s nằm ngoài Việt Nam (%(min)s–%(max)s; kinh độ là số lớn, ~102–117)"
        ) % {"value": text["longitude"], "min": geo.VIETNAM_MIN_LONGITUDE, "max": geo.VIETNAM_MAX_LONGITUDE}))

    if text["phone"] and not _PHONE_PATTERN.fullmatch(text["phone"]):
        problems.append(Problem("phone", _("số điện thoại chỉ gồm chữ số, dấu cách, + ( ) . -")))

    valid_from = _parse_date(text["valid_from"], "valid_from", problems)
    valid_to = _parse_date(text["valid_to"], "valid_to", problems)
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(Problem("date_order", _("valid_to (%(to)s) trước valid_from (%(start)s)") % {
            "to": valid_to.isoformat(), "start": valid_from.isoformat(),
        }))

    if problems:
        return None, problems
    return {
        "code": text["code"], "name": text["name"], "kind": kind, "province_id": province_code,
        "commune_id": commune_code, "address": text["address"], "latitude": latitude, "longitude": longitude,
        "opening_hours": text["opening_hours"], "phone": text["phone"], "valid_from": valid_from,
        "valid_to": valid_to,
    }, []


def _write_batch(batch: list[dict], source: str, report: OfficeImportReport) -> None:
    if not batch:
        return
    now = timezone.now()
    existing = {o.code: o for o in Office.objects.filter(code__in=[v["code"] for v in batch])}
    to_create, to_update = [], []
    for values in batch:
        values = {**values, "source": source}
        office = existing.get(values["code"])
        if office is None:
            to_create.append(Office(**values, updated_at=now))
        elif all(getattr(office, name) == values[name] for name in _WRITTEN_FIELDS):
            report.unchanged += 1
        else:
            for name in _WRITTEN_FIELDS:
                setattr(office, name, values[name])
            office.updated_at = now  # bulk_update skips auto_now; the selectors' cache relies on it
            to_update.append(office)
    Office.objects.bulk_create(to_create)
    Office.objects.bulk_update(to_update, [*_WRITTEN_FIELDS, "updated_at"])
    report.created += len(to_create)
    report.updated += len(to_update)


def _retire_offices_not_in(codes: set[str], today: date, report: OfficeImportReport) -> None:
    yesterday = today - timedelta(days=1)
    still_valid = Office.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    missing = sorted(
        (code, pk) for pk, code in still_valid.values_list("pk", "code") if code not in codes
    )
    Office.objects.filter(pk__in=[pk for _code, pk in missing]).update(valid_to=yesterday, updated_at=timezone.now())
    report.retired = [code for code, _pk in missing]
    report.retired_on = yesterday


def _parse_coordinate(value: str, column: str, problems: list[Problem]) -> float | None:
    if not value:
        return None  # reported as missing already
    try:
        # A decimal comma ("10,7769") comes from spreadsheets in Vietnamese; it is unambiguous here.
        number = float(value.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        problems.append(Problem("not_a_number", _("%(column)s “%(value)s” không phải số") % {"column": column, "value": value}))
        return None
    return number


def _parse_date(value: str, column: str, problems: list[Problem]) -> date | None:
    if not value:
        return None
    # ISO (2025-07-01) is the documented form; dd/mm/yyyy is what Vietnamese spreadsheets show.
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    problems.append(Problem("date", _("%(column)s “%(value)s” không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy)") % {
        "column": column, "value": value,
    }))
    return None


def _pad_digits(code: str, width: int) -> str:
    return code.zfill(width) if code.isdigit() and len(code) < width else code
