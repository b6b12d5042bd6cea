"""Writes to the registry, one function per use case: import a CSV file, generate synthetic people,
load the demo registry; and the citizen's look-up, which counts every attempt against the rate
limits before it reads anything.

Rules that shape the import (docs/registry.md has the file format):
- The file is read as a stream and written in batches (``BATCH_SIZE`` rows, one transaction each),
  so a file of millions of rows needs neither the memory nor one huge transaction. Kept in memory
  besides the batch: the set of numbers seen, as integers, to refuse a number repeated in the file
  (about 70 bytes per row).
- Each row is checked on its own with the card rules and refused with every problem found, so one
  bad line does not stop the file; the report names the line, the column and a code, never a value.
- Rows are upserted by mã số BHXH: running the same file twice changes nothing the second time,
  and an interrupted import is completed by running it again.
"""
import itertools
import logging
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vssid.core.csv_files import csv_rows
from vssid.cards import synthetic
from vssid.cards.birth_places import PROVINCE_CODES_2016
from vssid.cards.dates import age_on
from vssid.cards.text import fold
from vssid.core.fields import fill_fingerprints
from vssid.core.ratelimit import Limit, hit_all
from vssid.places.models import Province

from . import selectors
from .birth_provinces import PROVINCE_2025_OF_BIRTH_PLACE
from .models import InsuredPerson
from .records import FieldProblem, PersonRecord, check_record

log = logging.getLogger(__name__)

COLUMNS = ("social_insurance_number", "full_name", "date_of_birth", "sex", "province_code", "id_number", "phone")
OPTIONAL_COLUMNS = frozenset({"id_number", "phone"})
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
BATCH_SIZE = 1000

_WRITTEN_FIELDS = (
    "full_name", "full_name_folded", "date_of_birth", "birth_year_only", "sex", "province_id", "id_number",
    "id_number_fingerprint", "phone",
)


# Writing records ----------------------------------------------------------------------------------

def person_from_record(record: PersonRecord) -> InsuredPerson:
    """The model row of a record, folded name and fingerprints included (bulk writes bypass ``save()``)."""
    person = InsuredPerson(
        social_insurance_number=record.social_insurance_number,
        full_name=record.full_name,
        full_name_folded=fold(record.full_name),
        date_of_birth=record.date_of_birth,
        birth_year_only=record.birth_year_only,
        sex=record.sex,
        province_id=record.province_code,
        id_number=record.id_number,
        phone=record.phone,
    )
    fill_fingerprints(person)
    return person


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: "UpsertCounts") -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@transaction.atomic
def upsert_records(records: Sequence[PersonRecord]) -> UpsertCounts:
    """Create or update people by mã số BHXH (the numbers must be distinct), in one transaction."""
    counts = UpsertCounts()
    if not records:
        return counts
    existing = InsuredPerson.objects.in_bulk([r.social_insurance_number for r in records])
    new, changed = [], []
    for record in records:
        row = person_from_record(record)
        old = existing.get(row.pk)
        if old is None:
            new.append(row)
        elif any(getattr(old, name) != getattr(row, name) for name in _WRITTEN_FIELDS):
            changed.append(row)
        else:
            counts.unchanged += 1
    InsuredPerson.objects.bulk_create(new)
    InsuredPerson.objects.bulk_update(changed, _WRITTEN_FIELDS)
    counts.created, counts.updated = len(new), len(changed)
    return counts


# Import -------------------------------------------------------------------------------------------

class RegistryImportError(Exception):
    """The file as a whole cannot be used (bad header, not UTF-8, not CSV); nothing more is read."""


@dataclass(frozen=True)
class RefusedRow:
    line: int  # where the record starts in the file; the header is line 1
    problems: tuple[FieldProblem, ...]


@dataclass
class RegistryImportReport(UpsertCounts):
    rows: int = 0
    refused: list[RefusedRow] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


def import_registry(
    lines: Iterable[str], *, today: date | None = None, batch_size: int = BATCH_SIZE
) -> RegistryImportReport:
    """Create or update people from CSV text (an iterable of lines: a file opened with
    ``encoding="utf-8-sig", newline=""``). Raises RegistryImportError for a file-wide problem; rows
    written before it stay written (each batch is its own transaction)."""
    today = today or timezone.localdate()
    province_codes = frozenset(Province.objects.values_list("code", flat=True))
    report = RegistryImportReport()
    seen: set[int] = set()
    batch: list[PersonRecord] = []
    for line, raw in _csv_records(lines):
        report.rows += 1
        if raw is None:
            report.refused.append(RefusedRow(line, (FieldProblem("", "columns"),)))
            continue
        record, problems = check_record(raw, province_codes=province_codes, today=today)
        if record is not None:
            number = int(record.social_insurance_number)
            if number in seen:
                problems = [FieldProblem("social_insurance_number", "duplicate_number")]
            seen.add(number)
        if problems:
            report.refused.append(RefusedRow(line, tuple(problems)))
            continue
        batch.append(record)
        if len(batch) >= batch_size:
            report.add(upsert_records(batch))
            batch = []
    report.add(upsert_records(batch))
    return report


def _csv_records(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(starting line, {column: value}) per non-empty record; None for a record with the wrong
    number of columns."""
    for start, header, row in csv_rows(lines, known=COLUMNS, required=REQUIRED_COLUMNS, error=RegistryImportError):
        yield start, (dict(zip(header, row)) if len(row) == len(header) else None)


# Synthetic people ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class NamePools:
    surnames: tuple[str, ...]
    middle_names: dict[str, tuple[str, ...]]
    given_names: dict[str, tuple[str, ...]]


# Our own lists only: what the demo registry uses, so it is the same on every installation.
CARD_NAME_POOLS = NamePools(synthetic.SURNAMES, synthetic.MIDDLE_NAMES, synthetic.GIVEN_NAMES)


def name_pools() -> NamePools:
    """Our lists of Vietnamese names, widened with Faker's ``vi_VN`` lists when Faker is installed
    (it is a test dependency; ``make run`` installs it). Faker's middle names are not used: they do
    not say which sex they belong to, and "Thị" in a man's name is wrong."""
    try:
        from faker.providers.person.vi_VN import Provider
    except ImportError:
        return CARD_NAME_POOLS

    def merged(*lists):
        return tuple(dict.fromkeys(itertools.chain(*lists)))

    return NamePools(
        surnames=merged(synthetic.SURNAMES, Provider.last_names),
        middle_names=synthetic.MIDDLE_NAMES,
        given_names={
            "male": merged(synthetic.GIVEN_NAMES["male"], Provider.first_names_male),
            "female": merged(synthetic.GIVEN_NAMES["female"], Provider.first_names_female),
        },
    )


_BIRTH_PLACES = tuple(sorted(PROVINCE_CODES_2016))
_SEXES = ("male", "female")
# A Vietnamese passport number starts with one of these letters (B: official, C/N/P: ordinary).
_PASSPORT_LETTERS = "BCNP"


def synthetic_record(rng: random.Random, *, today: date, pools: NamePools = CARD_NAME_POOLS) -> PersonRecord:
    """A made-up insured person whose numbers agree with each other (cards.synthetic generators).

    Everyone from a newborn to 90 (BHYT covers children); about one in ten people born before 1960
    has a record with a year of birth only. The province of birth registration is drawn among the
    63 pre-2025 provinces, gives the CCCD its first digits, and is stored as its 2025 province.
    Children under 14 have no ID number; adults mostly a CCCD, some a CMND, a few a passport or
    nothing. Four people in five have a mobile number on record.
    """
    sex = rng.choice(_SEXES)
    born = synthetic.random_date_of_birth(rng, today=today, minimum_age=0, maximum_age=90)
    year_only = born.year < 1960 and rng.random() < 0.1
    if year_only:
        born = date(born.year, 1, 1)
    place = rng.choice(_BIRTH_PLACES)
    age = age_on(born, today)
    kind = rng.random()
    if age < 14 or kind >= 0.95:
        id_number = ""
    elif kind < 0.85:
        id_number = synthetic.random_cccd(born, sex, rng, place_code=place)
    elif kind < 0.93:
        id_number = synthetic.random_cmnd(rng)
    else:
        id_number = f"{rng.choice(_PASSPORT_LETTERS)}{rng.randrange(10**7):07d}"
    middle = [rng.choice(pools.middle_names[sex])]
    if rng.random() < 0.15:  # "Nguyễn Thị Thu Hà": two middle names are common
        second = rng.choice(pools.middle_names[sex])
        if second != middle[0]:
            middle.append(second)
    full_name = " ".join([rng.choice(pools.surnames), *middle, rng.choice(pools.given_names[sex])])
    return PersonRecord(
        social_insurance_number=synthetic.random_social_insurance_number(rng),
        full_name=full_name,
        date_of_birth=born,
        birth_year_only=year_only,
        sex=sex,
        province_code=PROVINCE_2025_OF_BIRTH_PLACE[place],
        id_number=id_number,
        phone=synthetic.random_mobile(rng) if age >= 15 and rng.random() < 0.8 else "",
    )


def generate_people(
    count: int, *, seed: int | None = None, today: date | None = None, batch_size: int = 5000
) -> int:
    """Add ``count`` synthetic people with numbers not yet in the registry; returns how many (count).

    The same seed on the same registry gives the same people: numbers already taken (by earlier
    data or a collision) are drawn again from the same random stream.
    """
    today = today or timezone.localdate()
    rng = random.Random(seed)
    pools = name_pools()
    created = 0
    while created < count:
        batch: dict[str, PersonRecord] = {}
        wanted = min(batch_size, count - created)
        while len(batch) < wanted:
            record = synthetic_record(rng, today=today, pools=pools)
            batch.setdefault(record.social_insurance_number, record)
        taken = set(InsuredPerson.objects.filter(pk__in=list(batch)).values_list("pk", flat=True))
        fresh = [person_from_record(r) for number, r in batch.items() if number not in taken]
        with transaction.atomic():
            InsuredPerson.objects.bulk_create(fresh)
        created += len(fresh)
    return created


# The demo registry --------------------------------------------------------------------------------

# People to try the service with (made up; `vssid registry demo` prints them). The first is the
# citizen the test suite walks through the registration (tests/support/flow.py).
DEMO_PEOPLE: tuple[PersonRecord, ...] = (
    PersonRecord("0123456789", "Trần Thị Bình", date(1990, 3, 15), False, "female", "01", "001190012345", "+84912345678"),
    PersonRecord("7912345678", "Nguyễn Văn An", date(1985, 9, 2), False, "male", "79", "079085001234", "+84987654321"),
    PersonRecord("4801234567", "Phạm Minh Đức", date(2001, 11, 20), False, "male", "48", "048201009876", "+84356789012"),
    # A record with a year of birth only and no ID number: any date in 1958 and "no ID document".
    PersonRecord("4012345670", "Lê Thị Hoa", date(1958, 1, 1), True, "female", "40", "", ""),
)
# Two namesakes born the same day in the same province, neither with an ID number on record: the
# look-up answers "no single match" for them, as it must.
DEMO_NAMESAKES: tuple[PersonRecord, ...] = (
    PersonRecord("3112345671", "Hoàng Văn Nam", date(1992, 7, 4), False, "male", "31", "", "+84901234567"),
    PersonRecord("3112345672", "Hoàng Văn Nam", date(1992, 7, 4), False, "male", "31", "", ""),
)
DEMO_BACKGROUND_COUNT = 300
_DEMO_SEED = 2025
# Fixed, so the background people do not drift (and stay adults or children alike) as years pass.
_DEMO_TODAY = date(2025, 7, 1)


def demo_records() -> list[PersonRecord]:
    """The whole demo registry: the featured people, the namesakes and a deterministic crowd."""
    featured = DEMO_PEOPLE + DEMO_NAMESAKES
    taken_numbers = {r.social_insurance_number for r in featured}
    taken_keys = {(r.province_code, r.full_name_folded, r.date_of_birth.year) for r in featured}
    rng = random.Random(_DEMO_SEED)
    records = list(featured)
    while len(records) < len(featured) + DEMO_BACKGROUND_COUNT:
        record = synthetic_record(rng, today=_DEMO_TODAY)
        key = (record.province_code, record.full_name_folded, record.date_of_birth.year)
        if record.social_insurance_number in taken_numbers or key in taken_keys:
            continue
        taken_numbers.add(record.social_insurance_number)
        taken_keys.add(key)
        records.append(record)
    return records


def load_demo_registry() -> UpsertCounts:
    """Create or update the demo registry (idempotent: a second run reports everything unchanged)."""
    return upsert_records(demo_records())


# The look-up --------------------------------------------------------------------------------------

DEFAULT_RATE_PER_CLIENT = "10/h"
DEFAULT_RATE_PER_PERSON = "5/h"
DEFAULT_RATE_PER_SESSION = "6/h"


def look_up(query: selectors.LookupQuery, *, client: str, session: str | None = None) -> selectors.LookupResult:
    """The citizen's look-up: counts the attempt per client, per person looked up and (on the web)
    per browser session, then reads.

    Raises ``core.ratelimit.RateLimited`` past any rate. Both counters are hit before the
    registry is read, and the person's counter is keyed by what was typed, not by a record: being
    limited says nothing about whether the person exists. The web page and the API both call this.
    """
    limits = [
        Limit("registry-lookup-client", client, getattr(settings, "VSSID_LOOKUP_RATE_PER_CLIENT", DEFAULT_RATE_PER_CLIENT)),
        Limit("registry-lookup-person", query.person_key(),
              getattr(settings, "VSSID_LOOKUP_RATE_PER_PERSON", DEFAULT_RATE_PER_PERSON)),
    ]
    if session:
        limits.append(Limit("registry-lookup-session", session,
                            getattr(settings, "VSSID_LOOKUP_RATE_PER_SESSION", DEFAULT_RATE_PER_SESSION)))
    hit_all(limits)
    result = selectors.lookup(query)
    # The outcome only: what was looked up is personal data and never reaches a log.
    log.info("registry look-up answered", extra={"single_match": result.found})
    return result
