"""A sent declaration made directly in the database, for the tests that start after submission
(accounts, outboxes): every field a submitted tờ khai has, at a fixed instant."""
import datetime
import secrets

from vssid.declarations.models import Declaration


def submitted_declaration(office, person: dict, **fields) -> Declaration:
    """``person``: the name, numbers, phone, email, street and date of birth; ``fields`` override
    anything."""
    return Declaration.objects.create(**{
        "status": Declaration.Status.SUBMITTED,
        "id_document_type": Declaration.DocumentType.CCCD,
        "address_province": office.province,
        "address_commune": office.commune,
        "office": office,
        "reference_code": "K7Q4M2XA9E",
        "confirmation_token": secrets.token_urlsafe(32),
        "submitted_at": datetime.datetime(2025, 7, 5, 3, 0, tzinfo=datetime.UTC),
        "visit_due_date": datetime.date(2025, 8, 5),
        **person,
        **fields,
    })
