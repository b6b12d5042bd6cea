"""Reads of the registry: the look-up of a mã số BHXH, and the check of a declaration against it.

The look-up rule (domain.md §5; docs/registry.md says it for citizens and operators):

- Province of birth registration, folded full name and date of birth must all be equal. A record
  that holds only a year of birth matches any date in that year.
- With an ID number given, a record holding that number is a match; a record holding no number at
  all is a match too (many old records have none), but only when no record holds the number: an
  exact number beats an absent one. A record holding a *different* number never matches.
- With "no ID document" ticked, only records holding no number match. Otherwise ticking the box
  would skip the number check for everyone whose record has one.
- Exactly one match reveals its mã số BHXH. None or several give one and the same answer, so the
  answer never tells whether a person with these details exists, nor how many.

The candidate rows come from one indexed query (``registry_lookup_idx``: province, folded name,
date of birth) that returns at most a handful of rows, and the decision is made in Python over them
whatever they are, so a miss and a hit cost the same query.
"""
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from vssid.cards.text import fold
from vssid.core.fields import fingerprint_of

from .models import InsuredPerson

# Rows fetched at most. More namesakes than this born the same day in one province, all without an
# ID number on file, would not give a single match anyway (unless one more record held the typed
# number, a case contrived enough to answer "no single match"); the cap keeps such a cluster from
# costing more than any other look-up.
_CANDIDATE_LIMIT = 8


@dataclass(frozen=True)
class LookupQuery:
    province_code: str  # 2025 province of birth registration
    full_name: str  # normalised (cards.names.normalize_full_name); folded here
    date_of_birth: date
    id_number: str = ""  # normalised; "" means the citizen has no ID document

    @property
    def full_name_folded(self) -> str:
        return fold(self.full_name)

    @property
    def id_number_fingerprint(self) -> str:
        return fingerprint_of(InsuredPerson, "id_number", self.id_number)

    def person_key(self) -> str:
        """Who is being looked up, for the per-person rate limit (hashed by the limiter)."""
        return f"{self.full_name_folded}|{self.date_of_birth.isoformat()}"


@dataclass(frozen=True)
class LookupResult:
    social_insurance_number: str | None = None  # set only for exactly one match

    @property
    def found(self) -> bool:
        return self.social_insurance_number is not None


NO_SINGLE_MATCH = LookupResult()


_TABLE = InsuredPerson._meta.db_table
# One hand-written statement, the same text for every look-up. It is the hot path of a public
# endpoint, and the ORM spent longer composing it (0.6 ms) than PostgreSQL spent running it
# (bench/lookup.py). Plain SQL that SQLite and PostgreSQL read alike.
# Two branches, each an equality on all three columns of the index, so both databases seek the
# index on province, folded name *and* date of birth: records with a full date of birth equal to
# the one typed, and records with a year only (stored as 1 January) of that year. A single OR (or
# an IN on the date) lets PostgreSQL's planner apply the date as a filter after fetching every
# namesake in the province instead.
# The ID number is encrypted: its fingerprint is compared. `id_number_fingerprint = ''` is a record
# with no number on file; the other parameter is the typed number's fingerprint, or '' again when
# the citizen has none.
_BRANCH = (
    f"SELECT social_insurance_number, id_number_fingerprint FROM {_TABLE}"
    " WHERE province_id = %s AND full_name_folded = %s AND date_of_birth = %s AND {year_only}"
    " AND (id_number_fingerprint = '' OR id_number_fingerprint = %s)"
)
_LOOKUP_SQL = (
    _BRANCH.format(year_only="NOT birth_year_only")
    + " UNION ALL "
    + _BRANCH.format(year_only="birth_year_only")
    + f" LIMIT {_CANDIDATE_LIMIT}"
)


def lookup_statement(query: LookupQuery) -> tuple[str, list]:
    """The SQL and parameters that fetch the rows the look-up decides between (see the module's rule)."""
    province, folded = query.province_code, query.full_name_folded
    typed = query.id_number_fingerprint
    return _LOOKUP_SQL, [
        province, folded, query.date_of_birth, typed,
        province, folded, date(query.date_of_birth.year, 1, 1), typed,
    ]


def lookup(query: LookupQuery) -> LookupResult:
    """The mã số BHXH of the one person these details describe, or NO_SINGLE_MATCH."""
    with connection.cursor() as cursor:
        cursor.execute(*lookup_statement(query))
        rows = cursor.fetchall()
    typed = query.id_number_fingerprint
    same_number = [number for number, held in rows if typed and held == typed]
    none_held = [number for number, held in rows if not held]
    matches = same_number or none_held
    return LookupResult(matches[0]) if len(matches) == 1 else NO_SINGLE_MATCH


def person_by_number(social_insurance_number: str) -> InsuredPerson | None:
    return InsuredPerson.objects.filter(pk=social_insurance_number).first()


def registry_is_loaded() -> bool:
    """Whether any registry data is present (a deployment may start without it)."""
    return InsuredPerson.objects.exists()


# The declaration check ----------------------------------------------------------------------------

UNKNOWN_NUMBER = "unknown_number"
NAME_DIFFERS = "name_differs"
DATE_OF_BIRTH_DIFFERS = "date_of_birth_differs"


@dataclass(frozen=True)
class RegistryCheck:
    """How a declaration compares with the registry. ``problems`` holds stable codes:
    ``unknown_number`` (no record has this mã số BHXH; nothing else is compared), ``name_differs``
    (folded names differ), ``date_of_birth_differs`` (for a year-only record: the year differs)."""

    ok: bool
    problems: list[str] = field(default_factory=list)


def check_declaration(declaration) -> RegistryCheck:
    """Compare a declaration's mã số BHXH, name and date of birth with the registry.

    Names are compared folded (case and diacritics ignored, as in the look-up): "NGUYEN VAN AN"
    typed on a phone without Vietnamese keyboard is the same person as "Nguyễn Văn An".
    """
    person = person_by_number(declaration.social_insurance_number) if declaration.social_insurance_number else None
    if person is None:
        return RegistryCheck(ok=False, problems=[UNKNOWN_NUMBER])
    problems = []
    if fold(declaration.full_name or "") != person.full_name_folded:
        problems.append(NAME_DIFFERS)
    if not born_on_matches(person, declaration.date_of_birth):
        problems.append(DATE_OF_BIRTH_DIFFERS)
    return RegistryCheck(ok=not problems, problems=problems)


def born_on_matches(person: InsuredPerson, day: date | None) -> bool:
    if day is None:
        return False
    if person.birth_year_only:
        return person.date_of_birth.year == day.year
    return person.date_of_birth == day
