"""Fixtures: an app with a draft at each stage, and a citizen's answers."""
import pytest

from .helpers import App, good_photos


@pytest.fixture
def app(client, db, demo_people):
    return App(client)


@pytest.fixture
def commune(db):
    from vssid.places.models import Commune

    return Commune.objects.filter(province_id="01").order_by("code").first()


@pytest.fixture
def answers(commune):
    """A woman born in 1990, registered in Hà Nội: her CCCD number agrees (001 + 1 + 90)."""
    return {
        "personal": {"full_name": "Trần Thị Bình", "date_of_birth": "1990-03-15", "sex": "female"},
        "social-insurance-number": {"social_insurance_number": "0123456789"},
        "id-document": {"id_document_type": "cccd", "id_document_number": "001190012345"},
        "province": {"address_province": "01"},
        "address": {"address_commune": commune.code, "address_street": "Số 12 ngõ 34 phố Hàng Bông"},
        "contact": {"mobile_phone": "0912 345 678", "email": "binh.tran@example.vn"},
    }


@pytest.fixture
def all_answers(answers):
    merged = {}
    for part in answers.values():
        merged.update(part)
    return merged


@pytest.fixture
def answered(app, all_answers):
    """A draft whose six form steps are answered (photos and office still to do)."""
    app.start()
    response = app.patch(all_answers)
    assert response.status_code == 200, response.content
    return app


@pytest.fixture
def with_photos(answered):
    for kind, data in good_photos().items():
        response = answered.put_photo(kind, data)
        assert response.status_code == 200, response.content
    return answered


@pytest.fixture
def complete(with_photos, commune):
    offices = with_photos.get(f"/offices?commune={commune.code}").json()
    response = with_photos.patch({"office": offices[0]["id"]})
    assert response.status_code == 200, response.content
    return with_photos
