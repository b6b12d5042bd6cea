"""The canary: a person whose name, numbers, phone and email must never reach a log line or the
audit log's text, whatever an officer does with their declaration."""
import logging

import pytest
from django.test import Client
from django.urls import reverse

from vssid.cards.text import fold
from vssid.declarations.reference import format_reference_code
from vssid.desk import jobs
from vssid.desk.models import AuditEvent

from .conftest import CANARY, HANOI_B, PASSWORD, logged_in

pytestmark = pytest.mark.django_db

SECRETS = [
    CANARY.full_name, CANARY.full_name.upper(), fold(CANARY.full_name), "Hoạ Mi", "hoa mi",
    CANARY.social_insurance_number, CANARY.id_document_number, CANARY.mobile_phone,
    "0" + CANARY.mobile_phone[3:], "0987 650 123", CANARY.email, CANARY.date_of_birth.isoformat(), "21/07/1996",
]


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [secret for secret in SECRETS if secret.lower() in lowered]


def test_a_whole_desk_session_never_logs_the_canary(caplog, officer, other_officer, make_declaration, clock):
    caplog.set_level(logging.DEBUG)
    d = make_declaration(CANARY, email_declaration=True)
    twin = make_declaration(CANARY, full_name="Khúc Thị Hoa Mi")  # a second pending one: a warning
    client = Client()
    assert client.post(reverse("desk:login"), {"username": "can.bo.a", "password": PASSWORD}).status_code == 302
    client.get(reverse("desk:queue"))
    for text in (CANARY.full_name, "khuc thi hoa mi", CANARY.id_document_number, CANARY.social_insurance_number,
                 format_reference_code(d.reference_code), f"{CANARY.id_document_number}||{CANARY.full_name}|21071996|Nữ|Hà Nội|01012021"):
        assert client.post(reverse("desk:search"), {"q": text}).status_code in (200, 302)
    assert client.get(reverse("desk:declaration", kwargs={"pk": d.pk})).status_code == 200
    for kind in ("portrait", "id_front", "id_back"):
        client.get(reverse("desk:photo", kwargs={"pk": d.pk, "kind": kind}))
    # Mistakes along the way: a correction the rules refuse, then a good one.
    client.post(reverse("desk:approve", kwargs={"pk": d.pk}),
                {"document_checked": "on", "id_document_number": CANARY.id_document_number[:-1]})
    assert client.post(reverse("desk:approve", kwargs={"pk": d.pk}),
                       {"document_checked": "on", "full_name": "Khúc Thị Họa Mi"}).status_code == 302
    client.post(reverse("desk:reject", kwargs={"pk": twin.pk}),
                {"reason": "duplicate", "reason_text": f"Đã duyệt tờ khai khác của {CANARY.full_name}."})
    # Another office tries; the jobs run later.
    logged_in(other_officer).get(reverse("desk:declaration", kwargs={"pk": d.pk}))
    clock.advance(days=40)
    jobs.run_scheduled()
    client.post(reverse("desk:logout"))

    assert AuditEvent.objects.filter(action="approve").exists()
    assert caplog.records, "the session should have logged something"
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert leaks(logged) == []
    for event in AuditEvent.objects.all():
        assert leaks(" ".join(str(v) for v in (event.username, event.office_code, event.detail,
                                                event.client_address, event.action))) == []


def test_refusal_and_error_pages_do_not_repeat_the_canary(desk, make_declaration):
    d = make_declaration(CANARY, office_code=HANOI_B)
    refused = desk.get(reverse("desk:declaration", kwargs={"pk": d.pk}))
    assert refused.status_code == 404 and leaks(refused.content.decode()) == []
    searched = desk.post(reverse("desk:search"), {"q": CANARY.id_document_number})
    assert leaks(searched.content.decode()) == []  # not found here, and the box is emptied
