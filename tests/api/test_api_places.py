"""Reference data: the same provinces, communes and nearest offices as the web's pages."""
import pytest
from django.utils import timezone

from vssid.places import selectors as places
from vssid.places.models import Office

from .helpers import BASE, codes

pytestmark = pytest.mark.django_db


def test_provinces_are_the_34_in_vietnamese_order(client):
    response = client.get(f"{BASE}/provinces")
    assert response.status_code == 200
    provinces = response.json()
    assert len(provinces) == 34
    assert [p["code"] for p in provinces] == [p.code for p in places.list_provinces()]
    hanoi = next(p for p in provinces if p["code"] == "01")
    assert hanoi["short_name"] == "Hà Nội" and set(hanoi) == {"code", "name", "short_name", "latitude", "longitude"}


def test_communes_of_a_province(client):
    response = client.get(f"{BASE}/provinces/01/communes")
    assert response.status_code == 200
    communes = response.json()
    assert [c["code"] for c in communes] == [c.code for c in places.communes_of("01")]
    assert {c["kind"] for c in communes} <= {"Phường", "Xã", "Đặc khu"}


def test_communes_of_an_unknown_province_are_a_404(client):
    response = client.get(f"{BASE}/provinces/99/communes")
    assert response.status_code == 404 and codes(response) == [(None, "not_found")]


def test_offices_nearest_a_point_come_with_their_distance(client):
    response = client.get(f"{BASE}/offices?latitude=21.0285&longitude=105.8542&limit=3")  # Hoàn Kiếm
    assert response.status_code == 200
    offices = response.json()
    assert len(offices) == 3
    distances = [o["distance_km"] for o in offices]
    assert distances == sorted(distances)
    assert offices[0]["province"]["code"] == "01"
    assert Office.objects.filter(pk=offices[0]["id"], code=offices[0]["code"]).exists()


def test_offices_for_a_commune_always_include_its_provinces_own_office(client):
    commune = places.get_commune(places.communes_of("01")[-1].code)
    response = client.get(f"{BASE}/offices?commune={commune.code}&limit=2")
    assert response.status_code == 200
    offices = response.json()
    expected = places.offices_for_commune(commune, on=timezone.localdate(), limit=2)
    assert [o["id"] for o in offices] == [o.pk for o, _d in expected]
    assert any(o["kind"] == "provincial" and o["province"]["code"] == "01" for o in offices)


def test_offices_need_a_point_or_a_commune(client):
    for query in ("", "?latitude=21", "?longitude=105", "?latitude=21&longitude=105&commune=00004"):
        response = client.get(f"{BASE}/offices{query}")
        assert response.status_code == 422, query
        assert codes(response) == [(None, "offices_origin_required")]


def test_offices_of_an_unknown_commune(client):
    response = client.get(f"{BASE}/offices?commune=99999")
    assert response.status_code == 422 and codes(response) == [("commune", "commune_not_found")]


def test_office_limit_is_bounded(client):
    response = client.get(f"{BASE}/offices?latitude=21&longitude=105&limit=500")
    assert response.status_code == 422 and codes(response) == [("limit", "out_of_range")]


def test_reference_data_may_be_cached_and_nothing_else(client, app):
    assert client.get(f"{BASE}/provinces")["Cache-Control"] == "public, max-age=86400"
    assert client.get(f"{BASE}/provinces/01/communes")["Cache-Control"] == "public, max-age=86400"
    assert client.get(f"{BASE}/offices?commune=00004")["Cache-Control"] == "no-store"
    created = app.start()
    assert created["Cache-Control"] == "no-store"  # it carries the token
    assert app.get("/declarations/current")["Cache-Control"] == "no-store"
