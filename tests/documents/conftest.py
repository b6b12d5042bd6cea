"""A submitted declaration of a realistic person, for the PDF tests."""
import datetime

import pytest

from vssid.declarations.models import Declaration


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
