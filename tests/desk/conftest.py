"""The desk's test world: offices in two provinces, officers of each role, declarations built
directly in the database (the citizen's flow has its own tests), a clock that can be moved, and the
canary person whose data must never reach a log."""
from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.utils import timezone
from PIL import Image

from vssid.declarations import deadlines
from vssid.declarations.models import Declaration
from vssid.declarations.reference import new_reference_code
from vssid.desk import officers
from vssid.desk.models import OfficerProfile
from vssid.photos.models import Photo
from vssid.places.models import Commune, Office

PASSWORD = "Quay-tiep-nhan-2025"  # strong enough for the officer rules

# Two local offices of Hà Nội (province 01) and one of Hồ Chí Minh City (79).
HANOI_A, HANOI_B, SAIGON = "01-CS-01", "01-CS-02", "79-CS-01"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 costs ~95 ms a hash by design; the tests of the hasher choice read settings.py itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def offices(db):
    found = {o.code: o for o in Office.objects.filter(code__in=[HANOI_A, HANOI_B, SAIGON])}
    assert len(found) == 3, "the shipped office list changed: pick other codes"
    return found


def _make_officer(username: str, office: Office, role: str = OfficerProfile.Role.OFFICER) -> OfficerProfile:
    return officers.create_officer(username=username, password=PASSWORD, office=office, role=role,
                                   full_name=f"Cán bộ {username}")


@pytest.fixture
def make_officer(offices):
    def make(username: str, office_code: str = HANOI_A, role: str = OfficerProfile.Role.OFFICER):
        return _make_officer(username, offices[office_code], role)

    return make


@pytest.fixture
def officer(make_officer):
    return make_officer("can.bo.a")


@pytest.fixture
def other_officer(make_officer):
    """An officer of another office in the same province."""
    return make_officer("can.bo.b", HANOI_B)


def logged_in(officer: OfficerProfile, *, authenticated_at: datetime | None = None) -> Client:
    client = Client()
    client.force_login(officer.user)
    session = client.session
    session[officers.SESSION_AUTHENTICATED_AT] = (authenticated_at or timezone.now()).isoformat()
    session.save()
    return client


@pytest.fixture
def desk(officer):
    """A browser logged in as `officer` (of HANOI_A), authenticated just now."""
    return logged_in(officer)


def _tiny_jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (seed * 40 % 256, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def make_photo(kind: str, seed: int = 0) -> Photo:
    """A stored photo, bypassing intake (its checks have their own tests)."""
    data = _tiny_jpeg(seed)
    name = storages["private"].save(f"photos/{secrets.token_hex(8)}.jpg", ContentFile(data))
    return Photo.objects.create(kind=kind, storage_name=name, width=8, height=8, byte_size=len(data),
                                source_format="JPEG", sha256=secrets.token_hex(32), dhash="0" * 16,
                                dhash256=f"{seed:064x}")


@dataclass(frozen=True)
class Person:
    full_name: str
    date_of_birth: date
    sex: str
    social_insurance_number: str
    id_document_number: str
    mobile_phone: str
    email: str


BINH = Person("Trần Thị Bình", date(1990, 3, 15), "female", "0123456789", "001190012345", "+84912345678",
              "binh.tran@example.vn")
# The canary: distinctive values that must never appear in a log line or the audit log's text.
CANARY = Person("Khúc Thị Hoạ Mi", date(1996, 7, 21), "female", "0198765432", "001196054321", "+84987650123",
                "hoami.canary@example.vn")


@pytest.fixture
def make_declaration(offices):
    """A sent declaration of `person` at an office, built directly (status, photos, dates)."""
    commune = Commune.objects.filter(province_id="01").order_by("code").first()

    def make(person: Person = BINH, office_code: str = HANOI_A, *, status: str = Declaration.Status.SUBMITTED,
             submitted_at: datetime | None = None, **fields) -> Declaration:
        submitted_at = submitted_at or timezone.now()
        values = dict(
            status=status, full_name=person.full_name, date_of_birth=person.date_of_birth, sex=person.sex,
            social_insurance_number=person.social_insurance_number, id_document_type=Declaration.DocumentType.CCCD,
            id_document_number=person.id_document_number, address_province_id="01", address_commune=commune,
            address_street="Số 12 ngõ 34 phố Hàng Bông", mobile_phone=person.mobile_phone, email=person.email,
            office=offices[office_code], email_declaration=False,
            portrait=make_photo(Photo.Kind.PORTRAIT, 1), id_front=make_photo(Photo.Kind.ID_FRONT, 2),
            id_back=make_photo(Photo.Kind.ID_BACK, 3),
            reference_code=new_reference_code(), confirmation_token=secrets.token_urlsafe(32),
            submitted_at=submitted_at, visit_due_date=deadlines.visit_due_date(submitted_at),
        )
        values.update(fields)
        return Declaration.objects.create(**values)

    return make


class Clock:
    """timezone.now(), frozen and moved by hand: every service reads the time through it."""

    def __init__(self, monkeypatch, start: datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # 09:00 in Hà Nội on an ordinary day.
    return Clock(monkeypatch, datetime.fromisoformat("2026-03-02T09:00:00+07:00"))


def audit_events(**filters):
    from vssid.desk.models import AuditEvent

    return list(AuditEvent.objects.filter(**filters).order_by("id"))

