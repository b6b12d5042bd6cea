"""The audit log: written for every view and decision, append-only, exported for inspectors."""
import csv
import io
import json
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from vssid.desk import audit
from vssid.desk.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def test_a_desk_session_leaves_a_complete_trail(desk, officer, make_declaration, settings):
    settings.VSSID_TRUSTED_PROXIES = ["10.0.0.1"]
    d = make_declaration()
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    desk.get(reverse("desk:queue"), **behind_proxy)
    desk.post(reverse("desk:search"), {"q": d.reference_code}, **behind_proxy)
    desk.get(reverse("desk:declaration", kwargs={"pk": d.pk}), **behind_proxy)
    desk.get(reverse("desk:photo", kwargs={"pk": d.pk, "kind": "portrait"}), **behind_proxy)
    desk.post(reverse("desk:approve", kwargs={"pk": d.pk}), {"document_checked": "on"}, **behind_proxy)
    events = list(AuditEvent.objects.exclude(action="officer_created").order_by("id"))
    assert [e.action for e in events] == ["view_queue", "search", "view_declaration", "view_photo", "approve"]
    for event in events:
        assert (event.user_id, event.username, event.office_code, event.role) == (
            officer.user_id, "can.bo.a", "01-CS-01", "officer")
        assert event.client_address == "203.0.113.7"  # the address the trusted proxy saw
        assert event.at is not None
    assert [e.declaration_id for e in events[2:]] == [d.pk] * 3


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(officer):
    event = audit.record(audit.Action.LOGIN, officer=officer, client="127.0.0.1")
    event.action = "approve"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="approve")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def test_the_free_text_of_an_event_holds_codes_only(officer):
    for text in ("Trần Thị Bình", "0912345678 ", "reason: sai số CCCD", "x" * 201):
        with pytest.raises(ValidationError):
            audit.record(audit.Action.REJECT, officer=officer, detail=text)
    audit.record(audit.Action.REJECT, officer=officer, detail="reason:document_mismatch")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (see migration 0002)")
def test_on_postgresql_the_database_itself_refuses_update_and_delete(officer):
    from django.db import DatabaseError

    event = audit.record(audit.Action.LOGIN, officer=officer)
    for statement in ("UPDATE desk_auditevent SET action = 'approve' WHERE id = %s",
                      "DELETE FROM desk_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def _events_at(officer, *moments):
    for moment in moments:
        AuditEvent.objects.create(at=datetime.fromisoformat(moment), action="login", user_id=officer.user_id,
                                  username="can.bo.a", office_code="01-CS-01", role="officer",
                                  client_address="127.0.0.1")


def test_the_export_is_csv_for_a_period_in_vietnams_days(officer):
    _events_at(officer, "2026-02-28T23:30:00+07:00", "2026-03-01T00:00:00+07:00", "2026-03-31T23:59:00+07:00",
               "2026-04-01T00:00:00+07:00")
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "export", "--since", "2026-03-01", "--until", "2026-04-01", stdout=out, stderr=err)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["at"] for r in rows] == ["2026-02-28T17:00:00+00:00", "2026-03-31T16:59:00+00:00"]
    assert set(rows[0]) == set(audit.EXPORT_FIELDS)
    assert rows[0]["username"] == "can.bo.a" and rows[0]["declaration_id"] == ""


def test_the_export_writes_json_lines_to_a_file(officer, tmp_path):
    _events_at(officer, "2026-03-05T10:00:00+07:00")
    target = tmp_path / "audit.jsonl"
    call_command("audit", "export", "--format", "jsonl", "--output", str(target), "--since", "2026-03-05",
                 "--until", "2026-03-06", stderr=io.StringIO())
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["login"]


def test_the_export_refuses_a_backwards_period(db):
    with pytest.raises(CommandError):
        call_command("audit", "export", "--since", "2026-04-01", "--until", "2026-03-01")
    with pytest.raises(CommandError):
        call_command("audit", "export", "--since", "yesterday")
