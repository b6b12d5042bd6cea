"""A citizen walking through the registration with Django's test client."""
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.support.images import make_card_jpeg, make_portrait_jpeg


@dataclass
class Citizen:
    """Realistic answers: the CCCD number agrees with the date of birth and sex (a woman born in
    1990, registered in Hà Nội: 001 + 1 + 90)."""

    full_name: str = "Trần Thị Bình"
    dob: tuple[str, str, str] = ("15", "3", "1990")
    sex: str = "female"
    social_insurance_number: str = "0123456789"
    id_document_type: str = "cccd"
    id_document_number: str = "001190012345"
    province: str = "01"
    commune: str = ""  # the first commune of the province, found at run time
    street: str = "Số 12 ngõ 34 phố Hàng Bông"
    mobile: str = "0912 345 678"
    email: str = "binh.tran@example.vn"

    def step_data(self, slug: str) -> dict:
        return {
            "personal": {"full_name": self.full_name, "dob_day": self.dob[0], "dob_month": self.dob[1],
                         "dob_year": self.dob[2], "sex": self.sex},
            "social-insurance-number": {"social_insurance_number": self.social_insurance_number},
            "id-document": {"id_document_type": self.id_document_type, "id_document_number": self.id_document_number},
            "province": {"address_province": self.province},
            "address": {"address_commune": self.commune, "address_street": self.street},
            "contact": {"mobile_phone": self.mobile, "email": self.email},
        }[slug]


FORM_STEPS = ["personal", "social-insurance-number", "id-document", "province", "address", "contact"]


def photo_files(**overrides):
    files = {
        "portrait": SimpleUploadedFile("chan-dung.jpg", make_portrait_jpeg(), "image/jpeg"),
        "id_front": SimpleUploadedFile("mat-truoc.jpg", make_card_jpeg(seed=1), "image/jpeg"),
        "id_back": SimpleUploadedFile("mat-sau.jpg", make_card_jpeg(seed=2), "image/jpeg"),
    }
    files.update(overrides)
    return {k: v for k, v in files.items() if v is not None}


class Walker:
    def __init__(self, client, citizen):
        self.client = client
        self.citizen = citizen

    def start(self):
        return self.client.post(reverse("declarations:start"))

    def answer(self, slug, **changes):
        data = {**self.citizen.step_data(slug), **changes}
        return self.client.post(reverse(f"declarations:{slug}"), data)

    def upload_photos(self, **overrides):
        return self.client.post(reverse("declarations:photos"), photo_files(**overrides))

    def choose_office(self, office_id=None, **extra):
        if office_id is None:
            page = self.client.get(reverse("declarations:office"))
            office_id = page.context["nearest"][0][0].pk
        return self.client.post(reverse("declarations:office"), {"office": str(office_id), **extra})

    def fill_declaration(self, until=None):
        self.start()
        for slug in FORM_STEPS:
            if slug == until:
                return
            response = self.answer(slug)
            assert response.status_code == 302, (slug, response.context and response.context["form"].errors)
        if until == "photos":
            return
        assert self.upload_photos().status_code == 302
        if until == "office":
            return
        assert self.choose_office().status_code == 302

    def submit(self):
        return self.client.post(reverse("declarations:check"))
