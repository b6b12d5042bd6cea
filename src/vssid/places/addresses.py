"""Matching an address as printed on a card (the CCCD's "nơi thường trú") to a 2025 commune.

Cards issued before 07/2025 print three levels (xã/phường, quận/huyện, tỉnh) of the 63-province
structure; newer ones print two (xã/phường, tỉnh). An old ward maps to exactly one new commune in
most cases; where it was split among several, the citizen must choose — we never guess, and never
call the package's `convert_address`, whose split-ward path asks an online geocoder (unreachable
from a government network, and it would send a citizen's address to a third party).

The old→new tables are the package's own conversion data, read as data.
"""
import functools
import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path

from vssid.cards.text import fold, normalize_text

from .reference_data import _query_dataset



@dataclass(frozen=True)
class AddressMatch:
    raw: str
    province_code: str | None = None
    commune_code: str | None = None
    # An old ward split among several new communes: the citizen picks one of these.
    candidate_commune_codes: tuple[str, ...] = field(default_factory=tuple)
    street: str = ""

    @property
    def is_ambiguous(self) -> bool:
        return self.commune_code is None and len(self.candidate_commune_codes) > 1


def match_address(text: str) -> AddressMatch:
    raw = normalize_text(text or "")
    if not raw:
        return AddressMatch(raw="")
    legacy = _parse(raw, "LEGACY", 3)
    if _names_a_ward_and_its_district(legacy, raw):
        return _match_legacy(raw, legacy) or AddressMatch(raw=raw)
    return _match_2025(raw) or _match_legacy(raw, legacy) or AddressMatch(raw=raw)


def _names_a_ward_and_its_district(unit, raw: str) -> bool:
    """Pre-2025 text names a ward *and* the district it stood in; a 2025 address has no district,
    though a new commune may carry an old district's name (Phường Hoàn Kiếm), so the district's
    name alone proves nothing."""
    if unit is None or not unit.ward_key or not unit.district_key:
        return False
    folded = fold(raw)
    return fold(unit.short_ward) in folded and fold(unit.short_district) in folded


def _parse(raw: str, mode_name: str, level: int):
    from vietnamadminunits import ParseMode, parse_address

    try:
        return parse_address(raw, mode=getattr(ParseMode, mode_name), keep_street=True, level=level)
    except Exception:  # the parser raises plain exceptions on text it cannot read
        return None


def _match_2025(raw: str) -> AddressMatch | None:
    unit = _parse(raw, "FROM_2025", 2)
    if unit is None or not getattr(unit, "province_code", None):
        return None
    return AddressMatch(
        raw=raw, province_code=unit.province_code, commune_code=unit.ward_code or None,
        street=normalize_text(unit.street or ""),
    )


def _match_legacy(raw: str, unit) -> AddressMatch | None:
    if unit is None or not getattr(unit, "province_key", None):
        return None
    tables = _conversion_tables()
    new_province = tables.new_province_of.get(unit.province_key)
    if new_province is None:
        return None
    province_code = tables.province_code[new_province]
    street = normalize_text(unit.street or "")
    if not unit.ward_key:
        return AddressMatch(raw=raw, province_code=province_code, street=street)
    old_key = f"{unit.province_key}_{unit.district_key}_{unit.ward_key}"
    single = tables.undivided.get(new_province, {}).get(old_key)
    if single is not None:
        return AddressMatch(raw=raw, province_code=province_code,
                            commune_code=tables.commune_code.get((new_province, single)), street=street)
    split = tables.divided.get(new_province, {}).get(old_key, [])
    candidates = tuple(
        code for code in (tables.commune_code.get((new_province, ward["newWardKey"])) for ward in split) if code
    )
    return AddressMatch(raw=raw, province_code=province_code, candidate_commune_codes=candidates, street=street)


@dataclass(frozen=True)
class _Tables:
    new_province_of: dict[str, str]  # old province key → new province key
    province_code: dict[str, str]  # new province key → code
    commune_code: dict[tuple[str, str], str]  # (new province key, new ward key) → commune code
    undivided: dict[str, dict[str, str]]  # new province → old "prov_dist_ward" key → new ward key
    divided: dict[str, dict[str, list]]  # new province → old key → candidate new wards


@functools.cache
def _conversion_tables() -> _Tables:
    spec = importlib.util.find_spec("vietnamadminunits")
    data_file = Path(next(iter(spec.submodule_search_locations))) / "data" / "converter_2025.json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    new_province_of = {old: new for new, olds in data["DICT_PROVINCE"].items() for old in olds}
    undivided = {
        province: {old: new for new, olds in wards.items() for old in olds}
        for province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items()
    }
    rows = _query_dataset("SELECT provinceKey, provinceCode, wardKey, wardCode FROM admin_units")
    return _Tables(
        new_province_of=new_province_of,
        province_code={r["provinceKey"]: r["provinceCode"] for r in rows},
        commune_code={(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in rows},
        undivided=undivided,
        divided=data["DICT_PROVINCE_WARD_DIVIDED"],
    )
