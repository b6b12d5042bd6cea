"""Registry test data: a person of the registry, variations of them, and look-up form data."""
import dataclasses
from datetime import date

from vssid.registry.records import PersonRecord

AN = PersonRecord(
    social_insurance_number="7912345678", full_name="Nguyễn Văn An", date_of_birth=date(1985, 9, 2),
    birth_year_only=False, sex="male", province_code="79", id_number="079085001234", phone="+84987654321",
)


def person(**changes) -> PersonRecord:
    """A registry record like AN with some values changed."""
    return dataclasses.replace(AN, **changes)


def lookup_data(*, province="79", full_name="Nguyễn Văn An", born=(2, 9, 1985), id_number="079085001234",
                no_id_document=False) -> dict:
    """What the look-up form posts."""
    data = {"province": province, "full_name": full_name, "dob_day": str(born[0]), "dob_month": str(born[1]),
            "dob_year": str(born[2]), "id_number": id_number}
    if no_id_document:
        data["no_id_document"] = "on"
    return data
