"""The audit log: writing an event, and exporting a period of it for inspectors.

An event says who (user id and username, their office and role at that moment), what (an action
code and a short code-only detail), which declaration (its id), from where (the client address)
and when. It never holds personal data of a citizen: no names, numbers or typed search terms.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TextIO

from django.utils import timezone

from .models import AuditEvent, OfficerProfile

Action = AuditEvent.Action

EXPORT_FIELDS = (
    "id", "at", "user_id", "username", "office_code", "role", "action", "declaration_id", "client_address", "detail",
)


def record(
    action: str,
    *,
    officer: OfficerProfile | None = None,
    user=None,
    declaration=None,
    client: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one event. ``officer`` (or, for a user without a profile, ``user``) is who acted;
    neither means the system. ``declaration`` is a Declaration or its id."""
    if officer is not None:
        user = officer.user
    return AuditEvent.objects.create(
        at=timezone.now(),
        action=action,
        user_id=getattr(user, "pk", None),
        username=getattr(user, "username", "") or "",
        office_code=officer.office.code if officer is not None else "",
        role=officer.role if officer is not None else "",
        declaration_id=getattr(declaration, "pk", declaration),
        client_address=client[:45],
        detail=detail,
    )


def events_between(since: datetime | None, until: datetime | None) -> Iterator[AuditEvent]:
    """Events with since <= at < until, oldest first, streamed (a year of events is large)."""
    events = AuditEvent.objects.all()
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("at", "id").iterator(chunk_size=2000)


def _row(event: AuditEvent) -> dict:
    return {
        "id": event.pk,
        "at": event.at.isoformat(),
        "user_id": event.user_id,
        "username": event.username,
        "office_code": event.office_code,
        "role": event.role,
        "action": event.action,
        "declaration_id": str(event.declaration_id) if event.declaration_id else None,
        "client_address": event.client_address,
        "detail": event.detail,
    }


def write_csv(events: Iterable[AuditEvent], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for event in events:
        writer.writerow({k: "" if v is None else v for k, v in _row(event).items()})
        count += 1
    return count


def write_json_lines(events: Iterable[AuditEvent], out: TextIO) -> int:
    count = 0
    for event in events:
        out.write(json.dumps(_row(event), ensure_ascii=False) + "\n")
        count += 1
    return count


WRITERS = {"csv": write_csv, "jsonl": write_json_lines}
