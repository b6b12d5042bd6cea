"""One whole registration driven only through the API, as a phone app would, and as docs/api.md shows."""
import pytest

from vssid.declarations.models import Declaration
from vssid.notify.models import OutboundEmail

from .helpers import App, good_photos

pytestmark = pytest.mark.django_db


def test_a_citizen_registers_with_the_app_from_start_to_confirmation(client, demo_people):
    app = App(client)

    # Reference data the app shows in its pickers.
    provinces = app.get("/provinces").json()
    hanoi = next(p for p in provinces if p["short_name"] == "Hà Nội")
    communes = app.get(f"/provinces/{hanoi['code']}/communes").json()
    commune = communes[0]

    # The app scans the CCCD's QR code and pre-fills the form with what it says.
    card = app.post("/cards/parse", {"text": "001190012345||Trần Thị Bình|15031990|Nữ|Hà Nội|01022021"}).json()

    created = app.post("/declarations")
    assert created.status_code == 201
    app.token = created.json()["token"]
    assert created.json()["declaration"]["next_step"] == "personal"

    # Bước 2, one step per screen.
    screens = [
        {"full_name": card["full_name"], "date_of_birth": card["date_of_birth"], "sex": card["sex"]},
        {"social_insurance_number": "0123456789"},
        {"id_document_type": "cccd", "id_document_number": card["id_number"]},
        {"address_province": hanoi["code"]},
        {"address_commune": commune["code"], "address_street": "Số 12 ngõ 34 phố Hàng Bông"},
        {"mobile_phone": "0912 345 678", "email": "binh.tran@example.vn"},
    ]
    expected_next = ["social-insurance-number", "id-document", "province", "address", "contact", "photos"]
    for answers, following in zip(screens, expected_next):
        response = app.patch(answers)
        assert response.status_code == 200, response.content
        assert response.json()["next_step"] == following

    # Bước 3: the three photos.
    for kind, data in good_photos().items():
        assert app.put_photo(kind, data).status_code == 200
    assert app.get("/declarations/current").json()["next_step"] == "office"

    # Bước 4: the nearest office to the phone, and the tờ khai by email.
    offices = app.get(f"/offices?latitude={commune['latitude']}&longitude={commune['longitude']}").json()
    state = app.patch({"office": offices[0]["id"], "email_declaration": True}).json()
    assert state["next_step"] is None and all(s["complete"] for s in state["steps"])

    # Bước 5: check, then send (a lost answer is retried with the same key).
    check = app.get("/declarations/current/check")
    assert check.status_code == 200
    sent = app.submit(key="5b1f0a7e-2f0c-4b8e-8a51-0c1b4a9d6e21")
    retried = app.submit(key="5b1f0a7e-2f0c-4b8e-8a51-0c1b4a9d6e21")
    assert sent.status_code == retried.status_code == 200
    assert sent.json() == retried.json()
    confirmation = sent.json()
    assert confirmation["status"] == "submitted"
    assert confirmation["office"]["id"] == offices[0]["id"]

    status = app.get(f"/declarations/{confirmation['reference_code_display']}")
    assert status.status_code == 200 and status.json()["status"] == "submitted"
    assert app.get("/declarations/current/pdf").content.startswith(b"%PDF")

    declaration = Declaration.objects.get()
    assert declaration.status == "submitted"
    assert declaration.full_name == "Trần Thị Bình"
    assert declaration.id_document_number == "001190012345"
    assert declaration.mobile_phone == "+84912345678"
    assert declaration.address_commune_id == commune["code"]
    assert declaration.reference_code == confirmation["reference_code"]
    assert list(OutboundEmail.objects.values_list("to_address", "declaration_id")) == [(declaration.email, declaration.pk)]
    # The web's confirmation page shows the same reference to the citizen.
    page = client.get(confirmation["confirmation_path"]).content.decode()
    assert confirmation["reference_code_display"] in page
