"""A submitted declaration of a realistic person, for the PDF tests."""
import datetime

import pytest

from tests.support.places import make_test_office

from vssid.declarations.models import Declaration


@pytest.fixture
def test_office(db):
    return make_test_office(
        latitude=21.01, longitude=105.82, commune="Đống Đa Thử", office="Bảo hiểm xã hội cơ sở Đống Đa Thử",
        address="Số 8 phố Trần Hữu Tước", opening_hours="Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:30–16:30", phone="024 3851 0000",
    )


@pytest.fixture
def make_declaration(test_office):
    def make(**overrides) -> Declaration:
        fields = {
            "status": Declaration.Status.SUBMITTED,
            "full_name": "Nguyễn Thị Ánh Tuyết",
            "social_insurance_number": "0123456789",
            "date_of_birth": datetime.date(1990, 3, 15),
            "sex": Declaration.Sex.FEMALE,
            "id_document_type": Declaration.DocumentType.CCCD,
            "id_document_number": "001190012345",
            "address_province": test_office.province,
            "address_commune": test_office.commune,
            "address_street": "Số 12 ngõ 34 phố Huỳnh Thúc Kháng",
            "mobile_phone": "+84912345678",
            "email": "tuyet.nguyen@example.vn",
            "office": test_office,
            "email_declaration": True,
            "reference_code": "K7Q4M2XA9E",
            # 17:30 UTC is already the next day in Hà Nội: the form must say 6 July.
            "submitted_at": datetime.datetime(2025, 7, 5, 17, 30, tzinfo=datetime.UTC),
            "visit_due_date": datetime.date(2025, 8, 5),
        }
        fields.update(overrides)
        return Declaration.objects.create(**fields)

    return make
