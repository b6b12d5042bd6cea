"""The reference data loaded by the data migration, and the loader behind it."""
import csv
import re
from collections import Counter
from datetime import date

import pytest

from vssid.places import reference_data
from vssid.places.models import Commune, Office, Province
from vssid.places.reference_data import (
    DEFAULT_OPENING_HOURS,
    GENERATED_SOURCE,
    STRUCTURE_VALID_FROM,
    load_reference_data,
    plan_offices,
    read_admin_units,
    read_province_seats,
)

pytestmark = pytest.mark.django_db


def test_the_migration_loads_the_34_provinces_and_3321_communes_of_the_2025_reform():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert Counter(Commune.objects.values_list("kind", flat=True)) == {"Phường": 687, "Xã": 2621, "Đặc khu": 13}


def test_provinces_and_communes_carry_names_and_coordinates():
    hanoi = Province.objects.get(code="01")
    assert (hanoi.name, hanoi.short_name) == ("Thành phố Hà Nội", "Hà Nội")
    ba_dinh = Commune.objects.get(code="00004")
    assert (ba_dinh.name, ba_dinh.short_name, ba_dinh.kind, ba_dinh.province_id) == (
        "Phường Ba Đình", "Ba Đình", "Phường", "01",
    )
    assert ba_dinh.latitude == pytest.approx(21.0386) and ba_dinh.longitude == pytest.approx(105.838)
    assert ba_dinh.area_km2 == pytest.approx(2.97)
    # Two communes have no area in the package: stored as NULL, not as 0.
    assert Commune.objects.filter(area_km2__isnull=True).count() == 2


def test_names_are_stored_in_nfc_like_every_text_the_project_compares():
    import unicodedata

    names = [*Province.objects.values_list("name", "short_name"), *Commune.objects.values_list("name", "short_name")]
    assert all(unicodedata.is_normalized("NFC", n) and unicodedata.is_normalized("NFC", s) for n, s in names)


def test_every_province_has_its_provincial_office_and_at_least_one_local_office():
    kinds = Counter(Office.objects.values_list("province_id", "kind"))
    for code in Province.objects.values_list("code", flat=True):
        assert kinds[(code, "provincial")] == 1, code
        assert kinds[(code, "local")] >= 1, code


def test_the_big_cities_get_more_local_offices_than_small_provinces():
    local = Counter(Office.objects.filter(kind="local").values_list("province_id", flat=True))
    smallest = min(local.values())
    median = sorted(local.values())[len(local) // 2]
    for city in ("01", "79"):  # Hà Nội, TP Hồ Chí Minh
        assert local[city] > smallest and local[city] > median, (city, local[city], median)
    assert local["79"] == max(local.values())


def test_generated_offices_say_what_they_are_and_invent_no_street():
    offices = list(Office.objects.select_related("province", "commune"))
    assert 140 <= len(offices) <= 200
    for office in offices:
        assert office.source == GENERATED_SOURCE
        assert "không phải danh sách chính thức" in office.source
        assert office.address == f"Trụ sở tại {office.commune.name}, {office.province.name}"
        assert office.commune.province_id == office.province_id
        assert (office.latitude, office.longitude) == (office.commune.latitude, office.commune.longitude)
        assert office.opening_hours == DEFAULT_OPENING_HOURS == "Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00"
        assert office.valid_from == date(2025, 7, 1) and office.valid_to is None
        assert office.phone == ""
        if office.kind == "provincial":
            assert office.code == f"{office.province_id}-TINH"
            assert re.fullmatch(r"BHXH (tỉnh|thành phố) .+", office.name)
        else:
            assert re.fullmatch(rf"{office.province_id}-CS-\d\d", office.code)
            assert office.name.startswith("BHXH cơ sở ")
            assert office.commune.name.endswith(office.name.removeprefix("BHXH cơ sở "))


def test_office_names_follow_the_kind_of_province():
    assert Office.objects.get(code="01-TINH").name == "BHXH thành phố Hà Nội"
    assert Office.objects.get(code="79-TINH").name == "BHXH thành phố Hồ Chí Minh"
    assert Office.objects.get(code="04-TINH").name == "BHXH tỉnh Cao Bằng"


def test_the_provincial_office_sits_at_the_seat_named_in_the_seats_file():
    seats = read_province_seats()
    for office in Office.objects.filter(kind="provincial"):
        assert office.commune_id == seats[office.province_id]
    assert Office.objects.get(code="01-TINH").commune.short_name == "Hoàn Kiếm"
    assert Office.objects.get(code="79-TINH").commune.short_name == "Sài Gòn"


def test_no_generated_local_office_is_put_on_a_special_zone():
    # Trường Sa, Hoàng Sa, Bạch Long Vĩ… would otherwise win an office by being remote.
    assert not Office.objects.filter(kind="local", commune__kind="Đặc khu").exists()


def test_the_seats_file_covers_all_34_provinces_with_a_commune_of_that_province():
    with reference_data.SEATS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 34
    assert {r["province_code"] for r in rows} == set(Province.objects.values_list("code", flat=True))
    for row in rows:
        commune = Commune.objects.select_related("province").get(code=row["seat_commune_code"])
        assert commune.province_id == row["province_code"], row
        assert commune.name == row["seat_commune"], row
        assert commune.province.short_name == row["province"], row
        assert row["basis"] in {"seat-ward", "capital-name"}, row
        assert row["note"].strip(), row


def test_running_the_loader_again_changes_nothing():
    before = (Province.objects.count(), Commune.objects.count(), list(Office.objects.order_by("code").values()))
    report = load_reference_data(Province, Commune, Office)
    assert (report.provinces, report.communes) == (34, 3321)
    assert (report.offices_created, report.offices_updated) == (0, 0)
    assert report.offices_unchanged == Office.objects.count()
    after = (Province.objects.count(), Commune.objects.count(), list(Office.objects.order_by("code").values()))
    assert after == before


def test_the_loader_fills_an_empty_database():
    # Raw deletes: the collector of .delete() would look for declarations pointing at these rows.
    for model in (Office, Commune, Province):
        model.objects.all()._raw_delete(model.objects.db)
    assert Province.objects.count() == 0
    report = load_reference_data(Province, Commune, Office)
    assert (Province.objects.count(), Commune.objects.count()) == (34, 3321)
    assert report.offices_created == Office.objects.count() > 34


def test_the_loader_repairs_edited_reference_rows():
    Province.objects.filter(code="01").update(name="wrong")
    Commune.objects.filter(code="00004").update(latitude=0)
    Office.objects.filter(code="01-TINH").update(name="wrong")
    report = load_reference_data(Province, Commune, Office)
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"
    assert Commune.objects.get(code="00004").latitude == pytest.approx(21.0386)
    assert Office.objects.get(code="01-TINH").name == "BHXH thành phố Hà Nội"
    assert report.offices_updated == 1


def test_the_loader_keeps_a_retired_office_retired_and_an_imported_record_untouched():
    Office.objects.filter(code="01-CS-01").update(valid_to=date(2025, 12, 31))
    Office.objects.filter(code="79-TINH").update(source="Danh sách BHXH TP.HCM", name="BHXH TP.HCM", phone="028 1234")
    report = load_reference_data(Province, Commune, Office)
    assert Office.objects.get(code="01-CS-01").valid_to == date(2025, 12, 31)
    kept = Office.objects.get(code="79-TINH")
    assert (kept.name, kept.phone, kept.source) == ("BHXH TP.HCM", "028 1234", "Danh sách BHXH TP.HCM")
    assert report.offices_left_to_operator == 1


def test_the_office_plan_is_deterministic_and_stable():
    provinces, communes = read_admin_units()
    seats = read_province_seats()
    first = plan_offices(provinces, communes, seats)
    assert plan_offices(list(reversed(provinces)), list(reversed(communes)), seats) == first
    stored = {o.code: o.commune_id for o in Office.objects.all()}
    assert {o.code: o.commune_code for o in first} == stored
    assert len({o.code for o in first}) == len(first)


def test_a_missing_seat_stops_the_load_instead_of_guessing():
    provinces, communes = read_admin_units()
    seats = read_province_seats()
    seats.pop("01")
    with pytest.raises(ValueError, match="01"):
        plan_offices(provinces, communes, seats)
    seats["01"] = "26740"  # Phường Sài Gòn is not in Hà Nội
    with pytest.raises(ValueError, match="01"):
        plan_offices(provinces, communes, seats)


def test_the_structure_starts_on_1_july_2025():
    assert STRUCTURE_VALID_FROM == date(2025, 7, 1)
    assert not Office.objects.valid_on(date(2025, 6, 30)).exists()
    assert Office.objects.valid_on(date(2025, 7, 1)).count() == Office.objects.count()


def test_the_load_command_is_idempotent_and_prints_counts(capsys):
    from django.core.management import call_command

    call_command("places", "load")
    call_command("places", "load")
    out = capsys.readouterr().out
    assert out.count("Tỉnh/thành phố: 34; xã/phường/đặc khu: 3321.") == 2
    assert "0 tạo mới, 0 cập nhật" in out
    assert Office.objects.count() == len(plan_offices(*read_admin_units(), read_province_seats()))


def test_the_load_command_can_leave_offices_alone(capsys):
    from django.core.management import call_command

    Office.objects.filter(code="01-TINH").update(name="edited")
    call_command("places", "load", "--skip-offices")
    assert Office.objects.get(code="01-TINH").name == "edited"
    assert "không đụng tới" in capsys.readouterr().out


def test_reading_the_dataset_file_directly_gives_what_the_package_query_gives():
    from vietnamadminunits.database import query

    from vssid.places.reference_data import _ADMIN_UNITS_SQL, _query_dataset

    assert [dict(r) for r in _query_dataset(_ADMIN_UNITS_SQL)] == query(_ADMIN_UNITS_SQL)
