"""Ngày sinh: a date of birth typed as three boxes (day, month, year), and what age allows.

Three boxes rather than a date picker (GOV.UK's date-input pattern): people know their date of
birth by heart and type it faster than they scroll a calendar, and each box can be told apart in an
error ("nhập tháng sinh").

Accounts are for people of at least 15 (``MINIMUM_AGE``): younger children register through a
parent's account (CV 702/BHXH-CNTT), and the web shows an eligibility page rather than an error.
"""
import re
import unicodedata
from datetime import date

from .errors import invalid
from .text import normalize_text

MINIMUM_AGE = 15
# Older than anyone documented alive: a date beyond this is a typo (1899 for 1989).
MAXIMUM_AGE = 120

_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}", re.ASCII)
_YEAR = re.compile(r"[1-9][0-9]{3}", re.ASCII)
_MISSING_PART_CODES = {"day": "date_day_missing", "month": "date_month_missing", "year": "date_year_missing"}


def parse_date_of_birth(day: str | None, month: str | None, year: str | None, *, today: date) -> date:
    """The date of birth from the three boxes; ``today`` is the citizen's local date (Asia/Ho_Chi_Minh)."""
    parts = {"day": _box(day), "month": _box(month), "year": _box(year)}
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == len(parts):
        raise invalid("date_required")
    if missing:
        raise invalid(_MISSING_PART_CODES[missing[0]])
    if not _DAY_OR_MONTH.fullmatch(parts["day"]) or not 1 <= int(parts["day"]) <= 31:
        raise invalid("date_day_invalid")
    if not _DAY_OR_MONTH.fullmatch(parts["month"]) or not 1 <= int(parts["month"]) <= 12:
        raise invalid("date_month_invalid")
    if not _YEAR.fullmatch(parts["year"]):
        raise invalid("date_year_format")
    day_number, month_number, year_number = int(parts["day"]), int(parts["month"]), int(parts["year"])
    try:
        date_of_birth = date(year_number, month_number, day_number)
    except ValueError:
        raise invalid("date_not_a_date", day=day_number, month=month_number, year=year_number) from None
    if date_of_birth > today:
        raise invalid("date_in_future")
    if age_on(date_of_birth, today) > MAXIMUM_AGE:
        raise invalid("date_too_old", limit=MAXIMUM_AGE)
    return date_of_birth


def _box(value: str | None) -> str:
    """What one box holds, spaces removed; full-width digits (some Asian keyboards) made ASCII.

    Dots and dashes are not removed as in longer numbers: "1.5" in the day box is not 15."""
    return unicodedata.normalize("NFKC", normalize_text(value or "")).replace(" ", "")


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on ``day``. Someone born on 29 February turns a year older on 1 March in
    common years (they have not yet reached "29/02" on the 28th)."""
    if day < date_of_birth:
        raise ValueError("the day is before the date of birth")
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def is_old_enough(date_of_birth: date, today: date) -> bool:
    """At least ``MINIMUM_AGE`` on ``today``: may register an account of their own."""
    return age_on(date_of_birth, today) >= MINIMUM_AGE
