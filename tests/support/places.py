"""A province, commune and office with codes no real unit uses, for tests that run after a
transactional test has emptied the reference data (a flush), or that need an office of their own."""
import datetime

from vssid.places.models import Commune, Office, Province


def make_test_office(*, latitude: float = 10.77, longitude: float = 106.7, commune: str = "Bến Thành Thử",
                     office: str = "Bảo hiểm xã hội cơ sở Bến Thành Thử", address: str = "Số 117 đường Nguyễn Đình Chiểu",
                     opening_hours: str = "Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:00–17:00",
                     phone: str = "028 3930 0000") -> Office:
    """The test office (the ``test_office`` fixture), or one with other details."""
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
