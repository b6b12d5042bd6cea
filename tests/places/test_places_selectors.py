"""Reads: lists for the address step, nearest offices, validity on a day, the per-process cache."""
import io
from datetime import date, timedelta

import pytest

from vssid.places import selectors, services
from vssid.places.geo import haversine_km
from vssid.places.models import Commune, Office

pytestmark = pytest.mark.django_db

DAY = date(2025, 9, 15)
HOAN_KIEM_LAKE = (21.0287, 105.8523)
BEN_THANH_MARKET = (10.7725, 106.6980)


def _office(code, commune_code, *, kind="local", valid_from=date(2025, 7, 1), valid_to=None):
    commune = Commune.objects.get(code=commune_code)
    return Office.objects.create(
        code=code, name=f"Test {code}", kind=kind, province_id=commune.province_id, commune=commune,
        address="Trụ sở tại test", latitude=commune.latitude, longitude=commune.longitude,
        opening_hours="8–17", valid_from=valid_from, valid_to=valid_to, source="test",
    )


def test_provinces_come_in_vietnamese_alphabetical_order():
    names = [p.short_name for p in selectors.list_provinces()]
    assert len(names) == 34
    assert names[:3] == ["An Giang", "Bắc Ninh", "Cà Mau"]
    # Đ is a letter after D, not after Z (SQLite's code-point order) nor folded into D.
    assert names.index("Đà Nẵng") > names.index("Cần Thơ")
    assert names.index("Đồng Tháp") < names.index("Gia Lai")
    assert names[-1] == "Vĩnh Long"


def test_communes_of_a_province_are_its_own_in_order():
    communes = selectors.communes_of("01")
    assert len(communes) == 126
    assert {c.province_id for c in communes} == {"01"}
    names = [c.short_name for c in communes]
    assert names[0] == "An Khánh"
    assert names.index("Ba Đình") < names.index("Ba Vì") < names.index("Bạch Mai")
    assert selectors.communes_of("99") == []


def test_get_commune_by_code():
    commune = selectors.get_commune("00070")
    assert commune.name == "Phường Hoàn Kiếm" and commune.province.short_name == "Hà Nội"
    assert selectors.get_commune("99999") is None


def test_a_point_in_hoan_kiem_gets_a_hanoi_office_first_and_distances_grow():
    result = selectors.offices_nearest(*HOAN_KIEM_LAKE, on=DAY, limit=5)
    assert len(result) == 5
    assert result[0][0].code == "01-TINH"  # the seat is Phường Hoàn Kiếm itself
    assert result[0][1] < 1.0
    assert all(office.province_id == "01" for office, _km in result[:3])
    distances = [km for _office, km in result]
    assert distances == sorted(distances)
    for office, km in result:
        assert km == pytest.approx(haversine_km(*HOAN_KIEM_LAKE, office.latitude, office.longitude))


def test_a_point_at_ben_thanh_gets_the_hcm_city_office_first():
    office, km = selectors.offices_nearest(*BEN_THANH_MARKET, on=DAY, limit=1)[0]
    assert office.code == "79-TINH" and km < 2


def test_nearest_is_truly_the_nearest_of_all_valid_offices():
    point = (16.05, 108.2)  # Đà Nẵng
    result = selectors.offices_nearest(*point, on=DAY, limit=3)
    every = sorted(
        haversine_km(*point, o.latitude, o.longitude) for o in Office.objects.valid_on(DAY)
    )
    assert [km for _o, km in result] == pytest.approx(every[:3])


def test_nearest_respects_limit_and_rejects_nonsense():
    assert len(selectors.offices_nearest(*HOAN_KIEM_LAKE, on=DAY)) == 10
    assert selectors.offices_nearest(*HOAN_KIEM_LAKE, on=DAY, limit=0) == []
    assert selectors.offices_nearest(float("nan"), 105.0, on=DAY) == []


def test_only_offices_valid_on_the_day_are_offered():
    closed = _office("T-CLOSED", "00004", valid_to=DAY - timedelta(days=1))
    future = _office("T-FUTURE", "00004", valid_from=DAY + timedelta(days=1))
    last_day = _office("T-LASTDAY", "00004", valid_to=DAY)
    codes = [o.code for o, _km in selectors.offices_nearest(21.0386, 105.838, on=DAY, limit=20)]
    assert "T-CLOSED" not in codes and "T-FUTURE" not in codes
    assert "T-LASTDAY" in codes
    valid = {o.code for o in selectors.offices_valid_on(DAY)}
    assert {"T-CLOSED", "T-FUTURE"}.isdisjoint(valid) and "T-LASTDAY" in valid
    assert "T-FUTURE" in {o.code for o in selectors.offices_valid_on(DAY + timedelta(days=1))}
    assert selectors.get_office(closed.code, on=DAY) is None
    assert selectors.get_office(future.code, on=DAY) is None
    assert selectors.get_office(last_day.code, on=DAY) == last_day
    assert selectors.get_office(last_day.code, on=DAY + timedelta(days=1)) is None


def test_get_office_by_code_or_id():
    office = Office.objects.get(code="01-TINH")
    assert selectors.get_office("01-TINH", on=DAY) == office
    assert selectors.get_office(office.pk, on=DAY) == office
    assert selectors.get_office(str(office.pk), on=DAY) == office
    assert selectors.get_office("NO-SUCH", on=DAY) is None
    assert selectors.get_office("01-TINH", on=date(2025, 6, 30)) is None  # before the 2025 structure
    assert selectors.get_office("01-TINH").code == "01-TINH"  # today by default


def test_a_numeric_code_wins_over_an_id():
    other = Office.objects.exclude(code="01-TINH").first()
    numeric = _office(str(other.pk), "00004")  # its code is another office's id
    assert selectors.get_office(str(other.pk), on=DAY) == numeric
    assert selectors.get_office(other.pk, on=DAY) == other


def test_offices_valid_on_lists_each_province_with_its_provincial_office_first():
    offices = selectors.offices_valid_on(DAY)
    assert len(offices) == Office.objects.count()
    assert offices[0].province.short_name == "An Giang" and offices[0].kind == "provincial"
    hanoi = [o for o in offices if o.province_id == "01"]
    assert hanoi[0].code == "01-TINH" and all(o.kind == "local" for o in hanoi[1:])


def test_offices_for_a_commune_are_the_nearest_even_across_a_border():
    # Find a commune whose nearest office is in another province: it must come first.
    for commune in Commune.objects.select_related("province").order_by("code"):
        nearest_office, _km = selectors.offices_nearest(commune.latitude, commune.longitude, on=DAY, limit=1)[0]
        if nearest_office.province_id != commune.province_id:
            break
    else:
        pytest.fail("no border commune found")
    result = selectors.offices_for_commune(commune, on=DAY, limit=5)
    assert result[0][0] == nearest_office
    assert any(o.code == f"{commune.province_id}-TINH" for o, _km in result)


def test_the_provincial_office_stays_visible_when_it_is_not_among_the_nearest():
    seat = Office.objects.get(code="01-TINH")
    commune = max(  # the Hà Nội commune farthest from the seat (in Ba Vì, ~60 km west)
        Commune.objects.filter(province_id="01"),
        key=lambda c: haversine_km(c.latitude, c.longitude, seat.latitude, seat.longitude),
    )
    nearest = selectors.offices_nearest(commune.latitude, commune.longitude, on=DAY, limit=3)
    assert "01-TINH" not in [o.code for o, _km in nearest]
    result = selectors.offices_for_commune(commune.code, on=DAY, limit=3)
    assert [o.code for o, _km in result[:2]] == [o.code for o, _km in nearest[:2]]
    assert result[2][0].code == "01-TINH"
    assert result[2][1] == pytest.approx(haversine_km(commune.latitude, commune.longitude, seat.latitude, seat.longitude))


def test_offices_for_a_commune_near_its_seat_is_plain_nearest():
    result = selectors.offices_for_commune("00004", on=DAY, limit=4)  # Ba Đình, next to Hoàn Kiếm
    assert result == selectors.offices_nearest(21.0386, 105.838, on=DAY, limit=4)
    assert selectors.offices_for_commune("99999", on=DAY) == []


def test_the_office_list_is_cached_and_one_small_query_checks_it(django_assert_num_queries):
    selectors.offices_nearest(*HOAN_KIEM_LAKE, on=DAY)  # fills the cache
    with django_assert_num_queries(1):  # the fingerprint only, not the list
        selectors.offices_nearest(*HOAN_KIEM_LAKE, on=DAY)
    with django_assert_num_queries(2):
        selectors.offices_valid_on(DAY)
        selectors.get_office("01-TINH", on=DAY)


def test_the_cache_sees_an_import_at_once():
    assert selectors.get_office("T-NEW", on=DAY) is None
    csv_text = (
        "code,name,kind,province_code,commune_code,address,latitude,longitude,opening_hours,phone,valid_from,valid_to\n"
        "T-NEW,BHXH mới,local,01,00004,Số 1 phố X,21.0386,105.838,8–17,,2025-07-01,\n"
    )
    services.import_offices(io.StringIO(csv_text), source="test", today=DAY)
    assert selectors.get_office("T-NEW", on=DAY).name == "BHXH mới"
    services.import_offices(io.StringIO(csv_text.replace("BHXH mới", "BHXH đổi tên")), source="test", today=DAY)
    assert selectors.get_office("T-NEW", on=DAY).name == "BHXH đổi tên"
