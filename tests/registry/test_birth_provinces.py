"""The 63 pre-2025 provinces of birth registration, each in exactly one 2025 province."""
import json
import sqlite3
from pathlib import Path

import pytest
import vietnamadminunits

from vssid.cards.birth_places import PROVINCE_CODES_2016
from vssid.places.models import Province
from vssid.registry.birth_provinces import (
    PROVINCE_2025_OF_BIRTH_PLACE, former_province_names, province_2025_of_birth_place,
)
from vssid.registry.forms import province_choices

DATA = Path(vietnamadminunits.__file__).parent / "data"


def merger_from_the_package() -> dict[str, str]:
    """pre-2025 province code → 2025 province code, as vietnamadminunits records the merger."""
    merged = json.loads((DATA / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]
    with sqlite3.connect(DATA / "dataset.db") as db:
        old = dict(db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy"))
        new = dict(db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units"))
    return {old[old_key]: new[new_key] for new_key, old_keys in merged.items() for old_key in old_keys}


def test_the_table_agrees_with_the_pinned_admin_units_package():
    from_package = merger_from_the_package()
    assert {place[1:]: new for place, new in PROVINCE_2025_OF_BIRTH_PLACE.items()} == from_package


def test_every_cccd_province_code_has_a_2025_province():
    assert set(PROVINCE_2025_OF_BIRTH_PLACE) == set(PROVINCE_CODES_2016)
    assert province_2025_of_birth_place("002") == "08"  # Hà Giang is in Tuyên Quang now
    assert province_2025_of_birth_place("840") is None  # a country code


@pytest.mark.django_db
def test_the_2025_codes_are_the_34_provinces():
    assert set(PROVINCE_2025_OF_BIRTH_PLACE.values()) == set(Province.objects.values_list("code", flat=True))
    assert len(set(PROVINCE_2025_OF_BIRTH_PLACE.values())) == 34


@pytest.mark.django_db
def test_merged_provinces_are_labelled_with_their_former_names():
    labels = dict(province_choices())
    assert former_province_names("08") == ["Hà Giang", "Tuyên Quang"]
    assert "Hà Giang" in labels["08"] and "Tuyên Quang" in labels["08"]
    assert labels["01"] == "Thành phố Hà Nội"  # not merged: no parenthesis
    assert len(labels) == 35  # the 34 and the "choose" prompt
