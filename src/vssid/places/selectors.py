"""Reads: provinces, communes, offices valid on a day, nearest-office search.

Offices valid on a day are cached per process. The list is small (~170 generated offices, a few
hundred in a real list) and read on every visit to the office step, while it changes only when an
operator imports a file or a validity date passes. Each call therefore runs one aggregate query,
`COUNT(*)` and `MAX(updated_at)` over the office table, and reloads the list (with its province and
commune, ordered) only when that fingerprint or the day differs from the cached one. The fingerprint
rather than a time-to-live or an explicit "forget" call keeps every process right at once after an
import made by another process (the `vssid` command, another gunicorn worker), and after a rolled-
back transaction in tests; it relies on every write setting `updated_at`, which `save()` (auto_now),
the loader and `services.import_offices` do. Keying by day covers validity dates: an office whose
`valid_to` was yesterday drops out at midnight (Asia/Ho_Chi_Minh) without any write.

Distances are computed in Python (haversine over the cached list): for a few hundred offices this
takes well under a millisecond and needs no spatial extension on either database.

Provinces and communes are cached per process without any check: they are the 2025 structure,
shipped with each release and loaded by a data migration (or `vssid places load` at install), so
they do not change while a process runs. Every step page after the province re-validates the
province and commune answers against them (declarations/steps.py), which made reading and sorting
them the largest share of a step page's work (bench/registration_load.py). An empty result is never
remembered (a database not loaded yet).

The cached Province, Commune and Office instances are shared between requests: treat them as
read-only.
"""
import heapq
import math
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max
from django.utils import timezone

from .collation import vietnamese_sort_key
from .geo import haversine_km
from .models import Commune, Office, Province


_provinces: tuple[Province, ...] = ()
# province code → its communes; filled one province at a time, an entry written whole (atomic
# under the GIL), so a thread sees a province's list complete or not at all.
_communes: dict[str, tuple[Commune, ...]] = {}


def list_provinces() -> list[Province]:
    """The 34 provinces in Vietnamese alphabetical order."""
    return list(_cached_provinces())


def communes_of(province_code: str) -> list[Commune]:
    """The communes of one province in Vietnamese alphabetical order (empty for an unknown code)."""
    return list(_cached_communes(province_code))


def forget_cached_places() -> None:
    """Drop the cached provinces and communes: after `vssid places load` in this process, and
    between tests (a test may add a province inside a transaction it then rolls back)."""
    global _provinces
    _provinces = ()
    _communes.clear()


def provinces_snapshot() -> tuple[Province, ...]:
    """The cached provinces themselves: a cache built from them (the look-up's labels) is still
    right while this is the same object."""
    return _cached_provinces()


def _cached_provinces() -> tuple[Province, ...]:
    global _provinces
    if not _provinces:
        _provinces = tuple(sorted(Province.objects.all(), key=lambda p: vietnamese_sort_key(p.short_name)))
    return _provinces


def _cached_communes(province_code: str) -> tuple[Commune, ...]:
    if not province_code:
        return ()
    communes = _communes.get(province_code)
    if communes is None:
        communes = tuple(sorted(
            Commune.objects.filter(province_id=province_code).select_related("province"),
            key=lambda c: (vietnamese_sort_key(c.short_name), c.kind, c.code),
        ))
        if communes:
            _communes[province_code] = communes
    return communes


def cached_province(code: str) -> Province | None:
    """A province from this process's list (no query once it is read)."""
    return next((p for p in _cached_provinces() if p.code == code), None)


def cached_commune(province_code: str, code: str) -> Commune | None:
    """A commune of that province from this process's lists, its province attached."""
    return next((c for c in _cached_communes(province_code) if c.code == code), None)


def province_codes() -> frozenset[str]:
    return frozenset(p.code for p in _cached_provinces())


def commune_codes_of(province_code: str) -> frozenset[str]:
    """The codes of one province's communes (empty for an unknown province)."""
    return frozenset(c.code for c in _cached_communes(province_code))


def get_commune(code: str) -> Commune | None:
    return Commune.objects.select_related("province").filter(code=code).first()


def offices_valid_on(day: date) -> list[Office]:
    """Offices valid on `day`, by province (alphabetical), the provincial office first, then by name."""
    return list(_valid_offices(day).offices)


def get_office(code_or_id: str | int, *, on: date | None = None) -> Office | None:
    """The office with this code (or numeric id) if it is valid on `on` (today by default), else None.

    A string is looked up as a code first, so an imported code made only of digits still works.
    """
    cached = _valid_offices(on or timezone.localdate())
    if isinstance(code_or_id, str):
        office = cached.by_code.get(code_or_id.strip())
        if office is not None or not code_or_id.strip().isdigit():
            return office
    try:
        return cached.by_id.get(int(code_or_id))
    except (TypeError, ValueError):
        return None


def offices_nearest(latitude: float, longitude: float, *, on: date, limit: int = 10) -> list[tuple[Office, float]]:
    """The `limit` offices valid on `on` nearest to a point, as (office, distance in km), nearest first.

    Equal distances (offices sharing a commune) are ordered by code, so the answer is stable.
    """
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or limit <= 0:
        return []
    offices = _valid_offices(on).offices
    scored = ((haversine_km(latitude, longitude, o.latitude, o.longitude), o.code, o) for o in offices)
    return [(office, distance) for distance, _code, office in heapq.nsmallest(limit, scored)]


def offices_for_commune(commune: Commune | str, *, on: date, limit: int = 10) -> list[tuple[Office, float]]:
    """Offices for someone living in `commune`: the nearest ones, keeping the province's office in view.

    Ordered by distance from the commune only, not "own province first": declarations may be taken
    at any BHXH office, and near a provincial border the closest office is often across it, which
    is the one a citizen wants to walk to. The provincial office of the commune's own province is
    still always listed: if it is not among the nearest `limit`, it replaces the farthest of them
    (and therefore comes last), so the familiar seat office is never hidden.
    """
    if isinstance(commune, str):
        commune = get_commune(commune)
        if commune is None:
            return []
    nearest = offices_nearest(commune.latitude, commune.longitude, on=on, limit=limit)
    if limit <= 0 or any(o.province_id == commune.province_id and o.kind == Office.Kind.PROVINCIAL for o, _d in nearest):
        return nearest
    provincial = [
        o for o in _valid_offices(on).offices
        if o.province_id == commune.province_id and o.kind == Office.Kind.PROVINCIAL
    ]
    if not provincial:
        return nearest
    seat = min(provincial, key=lambda o: (haversine_km(commune.latitude, commune.longitude, o.latitude, o.longitude), o.code))
    distance = haversine_km(commune.latitude, commune.longitude, seat.latitude, seat.longitude)
    return [*nearest[: limit - 1], (seat, distance)]


@dataclass(frozen=True)
class _Snapshot:
    key: tuple
    offices: tuple[Office, ...]
    by_code: dict[str, Office]
    by_id: dict[int, Office]


# One snapshot per process, swapped whole (a single assignment, atomic under the GIL), so a thread
# never sees a half-built one. One day only: requests are almost all for today.
_snapshot: _Snapshot | None = None


def _valid_offices(day: date) -> _Snapshot:
    global _snapshot
    fingerprint = Office.objects.aggregate(count=Count("id"), latest=Max("updated_at"))
    key = (day, fingerprint["count"], fingerprint["latest"])
    current = _snapshot
    if current is not None and current.key == key:
        return current
    offices = sorted(
        Office.objects.valid_on(day).select_related("province", "commune").order_by(),
        key=lambda o: (
            vietnamese_sort_key(o.province.short_name),
            0 if o.kind == Office.Kind.PROVINCIAL else 1,
            vietnamese_sort_key(o.name),
            o.code,
        ),
    )
    _snapshot = _Snapshot(
        key=key,
        offices=tuple(offices),
        by_code={o.code: o for o in offices},
        by_id={o.pk: o for o in offices},
    )
    return _snapshot
