"""Who may open which desk page: every page, for anonymous visitors, officers of another office,
other roles; refusals look like "not found" and are recorded."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from vssid.declarations.models import Declaration
from vssid.desk import permissions
from vssid.desk.models import AuditEvent, OfficerProfile

from .conftest import HANOI_A, HANOI_B, SAIGON, logged_in

pytestmark = pytest.mark.django_db

Role = OfficerProfile.Role

# Every page of the desk that concerns one declaration, with the method that uses it.
DECLARATION_PAGES = [
    ("desk:declaration", {}, "get"),
    ("desk:photo", {"kind": "portrait"}, "get"),
    ("desk:photo", {"kind": "id_front"}, "get"),
    ("desk:photo", {"kind": "id_back"}, "get"),
    ("desk:approve", {}, "get"),
    ("desk:approve", {}, "post"),
    ("desk:reject", {}, "get"),
    ("desk:reject", {}, "post"),
]
# Pages that concern no single declaration.
GENERAL_PAGES = [
    ("desk:queue", {}, "get"),
    ("desk:search", {}, "get"),
    ("desk:search", {}, "post"),
    ("desk:assisted-start", {}, "get"),
    ("desk:assisted-start", {}, "post"),
    ("desk:officers", {}, "get"),
    ("desk:officers", {}, "post"),
]


def _call(client, method, url):
    return client.post(url, {}) if method == "post" else client.get(url)


@pytest.mark.parametrize("name,kwargs,method", DECLARATION_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(make_declaration, name, kwargs, method):
    d = make_declaration()
    url = reverse(name, kwargs={"pk": d.pk, **kwargs})
    response = _call(Client(), method, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login") + "?next=")
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED


ANY_ID = "3f0c1f0e-0000-4000-8000-000000000000"


@pytest.mark.parametrize("name,kwargs,method", GENERAL_PAGES + [
    ("desk:assisted-step", {"pk": ANY_ID, "slug": "personal"}, "get"),
    ("desk:assisted-step", {"pk": ANY_ID, "slug": "photos"}, "post"),
    ("desk:assisted-check", {"pk": ANY_ID}, "get"),
    ("desk:assisted-check", {"pk": ANY_ID}, "post"),
    ("desk:officer-unlock", {"user_id": 1}, "post"),
])
def test_anonymous_visitors_never_see_a_desk_page(name, kwargs, method, db):
    response = _call(Client(), method, reverse(name, kwargs=kwargs or None))
    assert response.status_code == 302 and response["Location"].startswith(reverse("desk:login"))


@pytest.mark.parametrize("name,kwargs,method", DECLARATION_PAGES)
def test_an_officer_of_another_office_gets_not_found_and_the_refusal_is_recorded(
        make_declaration, other_officer, name, kwargs, method):
    d = make_declaration(office_code=HANOI_A)
    response = _call(logged_in(other_officer), method, reverse(name, kwargs={"pk": d.pk, **kwargs}))
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_REFUSED)
    assert refused.declaration_id == d.pk
    assert refused.user_id == other_officer.user_id and refused.office_code == HANOI_B
    assert refused.detail.startswith("other_office:")
    assert refused.client_address == "127.0.0.1"
    assert not AuditEvent.objects.filter(action__in=["view_declaration", "view_photo", "approve", "reject"]).exists()
    assert Declaration.objects.get(pk=d.pk).status == Declaration.Status.SUBMITTED


def test_a_declaration_that_does_not_exist_looks_the_same_as_one_of_another_office(other_officer, make_declaration):
    d = make_declaration(office_code=HANOI_A)
    client = logged_in(other_officer)
    elsewhere = client.get(reverse("desk:declaration", kwargs={"pk": d.pk}))
    missing = client.get(reverse("desk:declaration", kwargs={"pk": ANY_ID}))
    assert elsewhere.status_code == missing.status_code == 404
    # The same page but for the CSRF token and the address itself (in the language switch).
    masked = [re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", r.content).replace(str(pk).encode(), b"ID")
              for r, pk in ((elsewhere, d.pk), (missing, ANY_ID))]
    assert masked[0] == masked[1]
    details = [e.detail for e in AuditEvent.objects.filter(action="access_refused").order_by("id")]
    assert details == ["other_office:declaration", "not_found:declaration"]


def test_a_supervisor_sees_every_office_of_the_province_and_no_other(make_officer, make_declaration):
    supervisor = make_officer("giam.sat", HANOI_B, Role.SUPERVISOR)
    client = logged_in(supervisor)
    same_province = make_declaration(office_code=HANOI_A)
    other_province = make_declaration(office_code=SAIGON)
    assert client.get(reverse("desk:declaration", kwargs={"pk": same_province.pk})).status_code == 200
    assert client.get(reverse("desk:declaration", kwargs={"pk": other_province.pk})).status_code == 404


def test_an_administrator_sees_every_office(make_officer, make_declaration):
    admin = make_officer("quan.tri", HANOI_A, Role.ADMINISTRATOR)
    d = make_declaration(office_code=SAIGON)
    assert logged_in(admin).get(reverse("desk:declaration", kwargs={"pk": d.pk})).status_code == 200


def test_the_desk_never_shows_a_citizens_draft(make_officer, make_declaration):
    admin = make_officer("quan.tri", HANOI_A, Role.ADMINISTRATOR)
    draft = Declaration.objects.create()
    assert logged_in(admin).get(reverse("desk:declaration", kwargs={"pk": draft.pk})).status_code == 404
    assert not permissions.visible_declarations(admin).filter(pk=draft.pk).exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_administrators_open_the_officers_page(make_officer, role, method):
    someone = make_officer("nguoi.thuong", HANOI_A, role)
    response = _call(logged_in(someone), method, reverse("desk:officers"))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access_refused", detail="role:officers", user_id=someone.user_id).exists()


def test_only_administrators_unlock_accounts(make_officer, officer):
    supervisor = make_officer("giam.sat", HANOI_A, Role.SUPERVISOR)
    response = logged_in(supervisor).post(reverse("desk:officer-unlock", kwargs={"user_id": officer.user_id}))
    assert response.status_code == 404


def test_a_logged_in_user_without_an_officer_profile_is_not_an_officer(db):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("khong.phai.can.bo", password="x")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("desk:queue"))["Location"].startswith(reverse("desk:login"))


def test_an_assisted_draft_belongs_to_the_office_that_fills_it(desk, officer, other_officer):
    started = desk.post(reverse("desk:assisted-start"))
    draft = Declaration.objects.get(assisted=True)
    assert started.status_code == 302
    step = reverse("desk:assisted-step", kwargs={"pk": draft.pk, "slug": "personal"})
    assert desk.get(step).status_code == 200
    assert logged_in(other_officer).get(step).status_code == 404
    assert logged_in(other_officer).get(reverse("desk:assisted-check", kwargs={"pk": draft.pk})).status_code == 404


def test_assisted_pages_refuse_a_citizens_own_declaration(desk, make_declaration):
    d = make_declaration(status=Declaration.Status.SUBMITTED)
    response = desk.get(reverse("desk:assisted-check", kwargs={"pk": d.pk}))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access_refused", detail="not_assisted:assisted-check").exists()


def test_every_desk_url_is_covered_by_these_tests():
    from vssid.desk import urls

    covered = {name for name, _k, _m in DECLARATION_PAGES + GENERAL_PAGES} | {
        "desk:assisted-step", "desk:assisted-check", "desk:officer-unlock", "desk:login", "desk:logout"}
    assert {f"desk:{p.name}" for p in urls.urlpatterns} == covered
