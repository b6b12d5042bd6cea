"""Assisted registration at the counter: the citizen's steps and rules, filled in by an officer."""
import pytest
from django.urls import reverse

from vssid.accounts.models import CitizenAccount
from vssid.declarations.models import Declaration
from vssid.declarations.steps import STEPS
from vssid.desk.models import AssistedRegistration, AuditEvent

from tests.support.flow import FORM_STEPS, Citizen, photo_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(db, demo_people):
    """Trần Thị Bình, whose record the registry holds (submission checks it)."""
    from vssid.places.models import Commune

    return Citizen(commune=Commune.objects.filter(province_id="01").order_by("code").first().code)


def step_url(d, slug, **query):
    url = reverse("desk:assisted-step", kwargs={"pk": d.pk, "slug": slug})
    return url + ("?next=check" if query.get("returning") else "")


def start(desk):
    response = desk.post(reverse("desk:assisted-start"))
    d = Declaration.objects.get(assisted=True)
    assert response["Location"] == step_url(d, STEPS[0].slug)
    return d


def test_an_officer_registers_a_citizen_without_a_smartphone_and_approves_on_the_spot(desk, officer, citizen):
    assert "Kê khai hộ tại quầy" in desk.get(reverse("desk:assisted-start")).content.decode()
    d = start(desk)
    assisted = AssistedRegistration.objects.get(declaration=d)
    assert (assisted.officer_id, assisted.office_id) == (officer.user_id, officer.office_id)
    assert AuditEvent.objects.filter(action="assisted_create", declaration_id=d.pk).exists()

    for slug in FORM_STEPS:
        page = desk.get(step_url(d, slug))
        assert page.status_code == 200 and "Kê khai hộ" in page.content.decode()
        response = desk.post(step_url(d, slug), citizen.step_data(slug))
        assert response.status_code == 302, (slug, response.context and response.context["form"].errors)
    photos = desk.get(step_url(d, "photos")).content.decode()
    assert 'capture="user"' in photos and 'capture="environment"' in photos
    assert desk.post(step_url(d, "photos"), photo_files()).status_code == 302

    office_page = desk.get(step_url(d, "office")).content.decode()
    assert officer.office.name in office_page
    response = desk.post(step_url(d, "office"), {"email_declaration": "on", "email": "binh.tran@example.vn",
                                                 "office": "999999"})  # whatever is posted, the office is the desk's
    assert response["Location"] == reverse("desk:assisted-check", kwargs={"pk": d.pk})
    d.refresh_from_db()
    assert d.office_id == officer.office_id and d.email_declaration

    check = desk.get(reverse("desk:assisted-check", kwargs={"pk": d.pk})).content.decode()
    assert "TRẦN THỊ BÌNH" in check and step_url(d, "personal", returning=True) in check
    sent = desk.post(reverse("desk:assisted-check", kwargs={"pk": d.pk}))
    assert sent["Location"] == reverse("desk:approve", kwargs={"pk": d.pk})
    d.refresh_from_db()
    assert d.status == Declaration.Status.SUBMITTED and d.assisted and d.reference_code

    assert desk.post(sent["Location"], {"document_checked": "on"}).status_code == 302
    d.refresh_from_db()
    assert d.status == Declaration.Status.ACTIVATED
    assert CitizenAccount.objects.get(declaration=d).username == citizen.social_insurance_number
    page = desk.get(reverse("desk:declaration", kwargs={"pk": d.pk})).content.decode()
    assert "Kê khai hộ tại quầy" in page


def test_the_same_rules_apply_as_for_the_citizen(desk, citizen):
    d = start(desk)
    desk.post(step_url(d, "personal"), citizen.step_data("personal"))
    response = desk.post(step_url(d, "social-insurance-number"), {"social_insurance_number": "12345"})
    assert response.status_code == 200
    assert "Mã số BHXH" in response.content.decode() and response.context["form"].errors
    # The CCCD number must agree with the date of birth and sex typed before it.
    desk.post(step_url(d, "social-insurance-number"), citizen.step_data("social-insurance-number"))
    response = desk.post(step_url(d, "id-document"), {"id_document_type": "cccd", "id_document_number": "001090012345"})
    assert response.status_code == 200 and "id_document_number" in response.context["form"].errors


def test_a_later_step_cannot_be_opened_before_the_earlier_ones(desk):
    d = start(desk)
    response = desk.get(step_url(d, "contact"))
    assert response["Location"] == step_url(d, "personal")
    assert desk.get(reverse("desk:assisted-check", kwargs={"pk": d.pk}))["Location"] == step_url(d, "personal")


def test_a_bad_photo_is_refused_with_the_citizens_words(desk, citizen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = start(desk)
    for slug in FORM_STEPS:
        desk.post(step_url(d, slug), citizen.step_data(slug))
    response = desk.post(step_url(d, "photos"), photo_files(
        portrait=SimpleUploadedFile("a.txt", b"not a picture", "text/plain")))
    assert response.status_code == 422
    assert "phải là JPG, PNG, HEIC hoặc WebP" in response.content.decode()


def test_an_under_age_citizen_is_told_why(desk, citizen):
    d = start(desk)
    response = desk.post(step_url(d, "personal"), {**citizen.step_data("personal"), "dob_year": "2020"})
    assert response.status_code == 200 and "chưa đủ 15 tuổi" in response.content.decode()


def test_a_sent_assisted_declaration_is_no_longer_edited_at_the_desk(desk, citizen):
    d = start(desk)
    for slug in FORM_STEPS:
        desk.post(step_url(d, slug), citizen.step_data(slug))
    desk.post(step_url(d, "photos"), photo_files())
    desk.post(step_url(d, "office"), {})
    desk.post(reverse("desk:assisted-check", kwargs={"pk": d.pk}))
    assert desk.get(step_url(d, "personal"))["Location"] == reverse("desk:declaration", kwargs={"pk": d.pk})
    assert desk.post(reverse("desk:assisted-check", kwargs={"pk": d.pk}))["Location"] == reverse(
        "desk:declaration", kwargs={"pk": d.pk})


def test_data_the_registry_does_not_know_cannot_be_sent(desk, citizen):
    d = start(desk)
    for slug in FORM_STEPS:
        data = citizen.step_data(slug)
        if slug == "social-insurance-number":
            data = {"social_insurance_number": "0999999990"}
        desk.post(step_url(d, slug), data)
    desk.post(step_url(d, "photos"), photo_files())
    desk.post(step_url(d, "office"), {})
    response = desk.post(reverse("desk:assisted-check", kwargs={"pk": d.pk}))
    assert response.status_code == 200 and "không khớp với cơ sở dữ liệu BHXH" in response.content.decode()
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.DRAFT
