"""A province, commune and office with codes no real unit uses, for tests that run after a
transactional test has emptied the reference data (a flush), or that need an office of their own."""
import datetime

from vssid.places.models import Commune, Office, Province


def make_test_office(*, latitude: float, longitude: float, commune: str, office: str, address: str,
                     opening_hours: str, phone: str) -> Office:
    province, _ = Province.objects.get_or_create(
        code="99",
        defaults={"name": "Thành phố Thử Nghiệm", "short_name": "Thử Nghiệm", "latitude": latitude,
                  "longitude": longitude},
    )
    commune_row, _ = Commune.objects.get_or_create(
        code="99999",
        defaults={"province": province, "name": f"Phường {commune}", "short_name": commune, "kind": "Phường",
                  "latitude": latitude, "longitude": longitude, "area_km2": 9.9},
    )
    office_row, _ = Office.objects.get_or_create(
        code="TEST-OFFICE",
        defaults={"name": office, "kind": Office.Kind.LOCAL, "province": province, "commune": commune_row,
                  "address": address, "latitude": latitude, "longitude": longitude, "opening_hours": opening_hours,
                  "phone": phone, "valid_from": datetime.date(2025, 7, 1), "source": "test fixture"},
    )
    return office_row
