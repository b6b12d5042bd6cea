"""Scheduled work of the desk, run by `vssid desk run-scheduled` (cron, every few minutes):

- expire submitted declarations whose visit is overdue (the citizen may then start anew);
- remind citizens 7 days and 1 day before their visit is due, each reminder once;
- delete the photos of declarations activated, rejected, expired or cancelled more than
  settings.VSSID_PHOTO_RETENTION_DAYS days ago (their fingerprints stay);
- delete drafts nobody has touched for settings.VSSID_DRAFT_RETENTION_DAYS days, with their photos:
  a draft holds a citizen's personal data and pictures, and one never sent has no reason to stay;
- delete stored picture files that no photo row names (left by a transaction that rolled back).

Safe on several machines at once: each row is claimed in its own short transaction with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, and what it needs is checked again once it is
held, so two runners never process the same row and a row another runner just finished is left
alone. (SQLite has no row locks; its IMMEDIATE transactions, see settings, serialise the runners.)
Time comes from django.utils.timezone.now(), so tests freeze it; due-date arithmetic is
declarations.deadlines'.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vssid.declarations import deadlines
from vssid.declarations import services as declaration_services
from vssid.declarations.models import Declaration
from vssid.photos import services as photo_services

from . import audit, notices
from .models import Reminder

log = logging.getLogger(__name__)

# Rows handled per job and run; the next run (minutes later) continues.
BATCH = 2000
PHOTO_FIELDS = ("portrait", "id_front", "id_back")


@dataclass(frozen=True)
class ScheduledRun:
    expired: int
    reminded: int
    purged: int
    drafts_discarded: int = 0
    orphan_files_deleted: int = 0


def run_scheduled(now: datetime | None = None) -> ScheduledRun:
    now = now or timezone.now()
    return ScheduledRun(expired=expire_overdue(now), reminded=send_reminders(now), purged=purge_photos(now),
                        drafts_discarded=discard_abandoned_drafts(now),
                        orphan_files_deleted=photo_services.sweep_orphan_files())


def _claim(pk) -> Declaration | None:
    """The declaration, locked until the caller's transaction ends; None if another runner holds it."""
    return Declaration.objects.select_for_update(skip_locked=True).filter(pk=pk).first()


def _candidates(filter_q: Q, exclude_q: Q | None = None) -> list:
    query = Declaration.objects.filter(filter_q)
    if exclude_q is not None:
        query = query.exclude(exclude_q)
    return list(query.order_by("pk").values_list("pk", flat=True)[:BATCH])


def expire_overdue(now: datetime | None = None) -> int:
    now = now or timezone.now()
    expired = 0
    for pk in _candidates(Q(status=Declaration.Status.SUBMITTED, visit_due_date__lte=deadlines.last_overdue_day(now))):
        with transaction.atomic():
            declaration = _claim(pk)
            if declaration is not None and declaration_services.expire_declaration(declaration, now=now):
                audit.record(audit.Action.EXPIRE, declaration=declaration)
                expired += 1
    if expired:
        log.info("%d declarations expired", expired)
    return expired


def send_reminders(now: datetime | None = None) -> int:
    now = now or timezone.now()
    sent = 0
    for days_before in deadlines.REMINDER_DAYS_BEFORE:
        first, last = deadlines.reminder_window(days_before, now)
        already = Q(pk__in=Reminder.objects.filter(days_before=days_before).values("declaration_id"))
        for pk in _candidates(Q(status=Declaration.Status.SUBMITTED, visit_due_date__range=(first, last)), already):
            with transaction.atomic():
                declaration = _claim(pk)
                if declaration is None or declaration.status != Declaration.Status.SUBMITTED:
                    continue
                if deadlines.reminder_due(declaration.visit_due_date, now) != days_before:
                    continue
                if Reminder.objects.filter(declaration=declaration, days_before=days_before).exists():
                    continue
                channels = notices.queue_visit_reminder(declaration, days_before)
                Reminder.objects.create(declaration=declaration, days_before=days_before, sent_at=now,
                                        channels=",".join(channels))
                sent += 1
    if sent:
        log.info("%d visit reminders queued", sent)
    return sent


def _photos_left() -> Q:
    left = Q()
    for name in PHOTO_FIELDS:
        left |= Q(**{f"{name}__isnull": False, f"{name}__purged_at__isnull": True})
    return left


def purge_photos(now: datetime | None = None, *, days: int | None = None) -> int:
    """Delete the photos kept past the retention period; return how many declarations lost theirs."""
    now = now or timezone.now()
    days = settings.VSSID_PHOTO_RETENTION_DAYS if days is None else days
    kept_since = now - timedelta(days=days)
    retention_over = (
        Q(status__in=[Declaration.Status.ACTIVATED, Declaration.Status.REJECTED], decision__decided_at__lte=kept_since)
        | Q(status=Declaration.Status.EXPIRED, visit_due_date__lte=deadlines.expired_retention_over_until(now, days))
        | Q(status=Declaration.Status.CANCELLED, cancelled_at__lte=kept_since)
    )
    purged = 0
    for pk in _candidates(retention_over & _photos_left()):
        with transaction.atomic():
            declaration = _claim(pk)
            if declaration is None:
                continue
            photos = [getattr(declaration, name) for name in PHOTO_FIELDS]
            photos = [photo for photo in photos if photo is not None and not photo.is_purged]
            for photo in photos:
                photo_services.purge_photo(photo)
            if photos:
                audit.record(audit.Action.PHOTOS_PURGED, declaration=declaration, detail=f"count:{len(photos)}")
                purged += 1
    if purged:
        log.info("photos of %d declarations purged", purged)
    return purged


def discard_abandoned_drafts(now: datetime | None = None, *, days: int | None = None) -> int:
    """Delete drafts untouched for the retention period, their photos with them; return how many.

    A draft's session may still point at it: the citizen is then simply offered a new start.
    """
    now = now or timezone.now()
    days = settings.VSSID_DRAFT_RETENTION_DAYS if days is None else days
    untouched_since = now - timedelta(days=days)
    abandoned = Q(status=Declaration.Status.DRAFT, updated_at__lte=untouched_since)
    discarded = 0
    for pk in _candidates(abandoned):
        with transaction.atomic():
            declaration = _claim(pk)
            # Checked again once held: the citizen may have come back meanwhile.
            if declaration is None or not declaration.is_draft or declaration.updated_at > untouched_since:
                continue
            photos = [photo for photo in (getattr(declaration, name) for name in PHOTO_FIELDS) if photo is not None]
            declaration_services.discard_draft(declaration)
            for photo in photos:
                photo_services.delete_photo(photo)
            discarded += 1
    if discarded:
        log.info("%d abandoned drafts discarded", discarded)
    return discarded
