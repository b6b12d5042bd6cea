"""A tour of every HTML page of the site, as the people who use it reach them: the citizen's steps
of a real draft, the account pages (logged out and in), the desk's pages (an officer and an
administrator), the API's documentation and the error pages. The header and CSRF tests walk it."""
from dataclasses import dataclass

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tests.desk.conftest import (  # noqa: F401 - fixtures
    _fast_password_hashing, logged_in, make_declaration, make_officer, officer, offices,
)
from tests.support.flow import FORM_STEPS, Citizen, Walker
from vssid.accounts import services as accounts
from vssid.desk.models import OfficerProfile

CITIZEN_PASSWORD = "Hoa-sen-mua-he-2025"


@dataclass(frozen=True)
class Page:
    name: str
    client: Client
    url: str


@pytest.fixture(autouse=True)
def _clean_counters(db, settings):
    caches[settings.VSSID_RATELIMIT_CACHE].clear()
    yield
    caches[settings.VSSID_RATELIMIT_CACHE].clear()


def _citizen_pages(commune_code: str) -> list[Page]:
    client = Client()
    walker = Walker(client, Citizen(commune=commune_code))
    walker.fill_declaration()
    pages = [Page("start", client, reverse("declarations:start"))]
    pages += [Page(f"step {slug}", client, reverse(f"declarations:{slug}")) for slug in FORM_STEPS]
    pages += [Page(name, client, reverse(f"declarations:{name}"))
              for name in ("photos", "office", "check", "scan", "under-age", "cancel")]
    pages.append(Page("photo preview", client, reverse("declarations:photo", kwargs={"kind": "portrait"})))
    pages.append(Page("look-up", client, reverse("registry:lookup")))
    sent = Client()
    sent_walker = Walker(sent, Citizen(commune=commune_code))
    sent_walker.fill_declaration()
    confirmation = sent_walker.submit()["Location"]
    pages.append(Page("confirmation", sent, confirmation))
    return pages


def _account_pages(declaration) -> list[Page]:
    visitor = Client()
    pages = [Page(f"account {name}", visitor, reverse(f"accounts:{name}"))
             for name in ("login", "forgot-password", "reset-password")]
    account = accounts.activate_account(declaration).account
    account.password, account.must_change_password = make_password(CITIZEN_PASSWORD), False
    account.save(update_fields=["password", "must_change_password"])
    citizen = Client()
    answer = citizen.post(reverse("accounts:login"), {"identifier": account.username, "password": CITIZEN_PASSWORD})
    assert answer.status_code == 302, answer
    pages += [Page(f"account {name}", citizen, reverse(f"accounts:{name}")) for name in ("home", "change-password")]
    return pages


def _desk_pages(officer, admin, declaration) -> list[Page]:
    desk, boss = logged_in(officer), logged_in(admin)
    pages = [Page("desk login", Client(), reverse("desk:login"))]
    pages += [Page(f"desk {name}", desk, reverse(f"desk:{name}")) for name in ("queue", "search", "assisted-start")]
    pages += [Page(f"desk {name}", desk, reverse(f"desk:{name}", kwargs={"pk": declaration.pk}))
              for name in ("declaration", "approve", "reject")]
    pages.append(Page("desk photo", desk, reverse("desk:photo", kwargs={"pk": declaration.pk, "kind": "portrait"})))
    pages.append(Page("desk officers", boss, reverse("desk:officers")))
    first_step = desk.post(reverse("desk:assisted-start"))["Location"]
    pages.append(Page("desk assisted step", desk, first_step))
    return pages


@pytest.fixture
def site_pages(demo_people, make_declaration, make_officer, officer) -> list[Page]:
    from tests.desk.conftest import BINH, CANARY, HANOI_A
    from vssid.places.models import Commune

    commune = Commune.objects.filter(province_id="01").order_by("code").first()
    admin = make_officer("quan.tri", HANOI_A, OfficerProfile.Role.ADMINISTRATOR)
    anyone = Client()
    pages = _citizen_pages(commune.code)
    pages += _account_pages(make_declaration(CANARY))
    pages += _desk_pages(officer, admin, make_declaration(BINH))
    pages += [
        Page("api docs", anyone, "/api/v1/docs"),
        Page("offline", anyone, reverse("offline")),
        Page("not found", anyone, "/khong-co-trang-nay/"),
    ]
    return pages
