"""What the email and the SMS outboxes share: claiming a row, back-off, giving up, (re-)enqueueing.

An outbox is a table of messages the service owes someone (OutboundEmail, OutboundSms). Each row has
``status`` (pending → sent | failed | …), ``attempts``, ``next_attempt_at``, ``last_error`` and
``created_at``; a delivery job carries only the row's id. The guarantees are the same for both
channels and are kept here, once (see ``services`` for the email side's account of them):

- *never lost*: the row is written in the caller's transaction; the job is enqueued on commit, and
  the sweep (``enqueue_due``) re-creates a job for any pending row whose job was lost;
- *sent once*: a job first claims the row (locked, pending, due) and pushes ``next_attempt_at``
  forward by a lease, so a duplicate job finds it sent or not due and does nothing;
- *retried with back-off*: 1, 2, 4 … minutes, capped at 1 hour, until the row's give-up window
  closes; then it is marked failed and logged;
- *no personal data in logs*: log lines carry the row id, status and counts only.
"""
from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=48)
# How long a claimed message is left alone: longer than rendering plus a slow exchange with the
# server (timeouts apply per socket operation), short enough that a dead worker delays little.
SEND_LEASE = timedelta(minutes=10)
# The sweep leaves a message alone until it has been due this long, so it does not pile duplicate
# jobs onto messages whose job is merely waiting in a busy queue (duplicates are harmless, not free).
SWEEP_GRACE = timedelta(minutes=5)

# What one delivery attempt did (the job's return value).
SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"

PENDING = "pending"


def retry_delay(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1 min, 2, 4, 8, 16, 32, then 1 h each time."""
    doublings = min(max(attempts - 1, 0), 16)  # bounded: timedelta * 2**60 would overflow
    return min(FIRST_RETRY_DELAY * 2**doublings, MAX_RETRY_DELAY)


class Outbox:
    """The delivery bookkeeping of one outbox table.

    ``label`` starts every log line ("outbound email 3f2a… sent on attempt 1"); ``task_path`` is the
    dotted path of the job that delivers one row (imported when first enqueued, so models and
    services load without the task machinery).
    """

    def __init__(self, model, *, label: str, task_path: str, log: logging.Logger):
        self.model = model
        self.label = label
        self.task_path = task_path
        self.log = log

    # Queueing -------------------------------------------------------------------------------------

    def enqueue_on_commit(self, pk) -> None:
        """Enqueue the delivery job once the caller's transaction commits.

        After commit: the worker must find the row, and a rolled-back change owes nothing. robust: a
        failing enqueue must not turn a committed change into an error page; the sweep picks the
        row up instead.
        """
        transaction.on_commit(partial(self.enqueue, pk), robust=True)

    def enqueue(self, pk, *, run_after=None):
        task = import_string(self.task_path)
        if run_after is not None:
            if not task.get_backend().supports_defer:
                # A backend that cannot wait (ImmediateBackend in development) would retry at once,
                # in a loop; the sweep enqueues the message when it is due instead.
                return None
            task = task.using(run_after=run_after)
        return task.enqueue(str(pk))

    def enqueue_due(self, *, grace: timedelta = SWEEP_GRACE) -> int:
        """Re-create the delivery job of every pending row overdue by ``grace``: the safety net for a
        lost job (process died before enqueueing, worker died mid-send, jobs deleted)."""
        cutoff = timezone.now() - grace
        due = list(
            self.model.objects.filter(status=PENDING, next_attempt_at__lte=cutoff)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)
        )
        for pk in due:
            self.enqueue(pk)
        if due:
            self.log.info("re-enqueued %d overdue %ss", len(due), self.label)
        return len(due)

    # One attempt ----------------------------------------------------------------------------------

    def claim(self, pk):
        """The row, locked for this attempt (attempts counted, lease taken), or None when another
        worker has it, it is already decided, or it is not due."""
        now = timezone.now()
        with transaction.atomic():
            # PostgreSQL: a row another worker holds is skipped, not waited for. SQLite has no row
            # locks (Django drops FOR UPDATE there); its IMMEDIATE transactions (settings) serialise
            # claims.
            row = self.model.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                self.log.info("%s %s is being handled by another worker or does not exist", self.label, pk)
                return None
            if row.status != PENDING:
                self.log.info("%s %s is already %s; duplicate job ignored", self.label, row.pk, row.status)
                return None
            if row.next_attempt_at > now:
                self.log.info("%s %s is not due (sending elsewhere or retry scheduled)", self.label, row.pk)
                return None
            row.attempts += 1
            row.next_attempt_at = now + SEND_LEASE
            row.save(update_fields=["attempts", "next_attempt_at"])
        return row

    def mark_sent(self, row, **fields) -> str:
        self.model.objects.filter(pk=row.pk).update(status="sent", sent_at=timezone.now(), last_error="", **fields)
        self.log.info("%s %s sent on attempt %d", self.label, row.pk, row.attempts)
        return SENT

    def schedule_retry(self, row, error: str, *, give_up_after: timedelta = GIVE_UP_AFTER) -> str:
        next_attempt_at = timezone.now() + retry_delay(row.attempts)
        if next_attempt_at > row.created_at + give_up_after:
            return self.give_up(row, error)
        with transaction.atomic():
            self.model.objects.filter(pk=row.pk, status=PENDING).update(
                next_attempt_at=next_attempt_at, last_error=error[:200]
            )
            transaction.on_commit(partial(self.enqueue, row.pk, run_after=next_attempt_at), robust=True)
        self.log.warning(
            "%s %s attempt %d failed (%s); next attempt at %s",
            self.label, row.pk, row.attempts, error, next_attempt_at.isoformat(),
        )
        return RETRY

    def give_up(self, row, reason: str, *, status: str = "failed") -> str:
        """Stop trying. ``reason`` is stored and logged, so it never holds personal data."""
        self.model.objects.filter(pk=row.pk).update(status=status, last_error=reason[:200])
        if status == "failed":
            self.log.error("%s %s failed permanently after %d attempts (%s)", self.label, row.pk, row.attempts, reason)
            return FAILED
        self.log.info("%s %s %s after %d attempts (%s)", self.label, row.pk, status, row.attempts, reason)
        return SKIPPED

    def log_bug(self, row, exc: BaseException) -> None:
        """A failure that is not the server's: a bug or a broken dependency. It keeps being retried
        (a fixed deploy then delivers), and the log shows where it broke: frames only, since the
        exception's message may hold personal data."""
        self.log.error(
            "%s %s attempt %d raised %s at:\n%s",
            self.label, row.pk, row.attempts, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)),
        )
