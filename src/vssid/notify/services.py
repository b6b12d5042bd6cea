"""The email outbox: queue an email with the change that owes it, deliver it, retry it.

Guarantees, and how they are kept:
- *Never lost*: the OutboundEmail row is written inside the caller's transaction, so it exists
  exactly when the submission does. The delivery job is enqueued on commit; if the process dies
  between commit and enqueue, or a worker dies mid-send, the row is still pending and
  ``enqueue_due_emails`` (``vssid notify retry-pending``, run every few minutes) re-creates the job.
- *The submission never waits*: queueing writes a row and registers a callback; rendering the
  PDF and talking SMTP happen in the worker.
- *Sent once*: a job first claims the row (locked, pending, due) and pushes next_attempt_at forward
  by a lease, so a duplicate job finds it sent or not due and does nothing. SMTP itself is
  at-least-once: a worker that dies after the server accepted the message but before the row is
  marked sent causes one duplicate, after the lease. No protocol avoids that window; the stable
  Message-ID lets mail clients and logs recognise the copy.
- *Retried with back-off*: 1, 2, 4 … minutes, capped at 1 hour, for 48 hours; then the row is
  marked failed and logged. A recipient the server refuses with a 5xx code fails at once.
- *No personal data in logs*: log lines carry the outbox id, status and attempt counts; errors are
  reduced to the exception class and SMTP code (smtplib puts the address in its messages).
"""
from __future__ import annotations

import logging
import smtplib
import traceback
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .emails import PermanentDeliveryError, build_message, declaration_submitted_subject
from .models import OutboundEmail

log = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=48)
# How long a claimed email is left alone: longer than rendering plus a slow SMTP exchange
# (EMAIL_TIMEOUT applies per socket operation), short enough that a dead worker delays little.
SEND_LEASE = timedelta(minutes=10)
# The sweep leaves an email alone until it has been due this long, so it does not pile duplicate
# jobs onto emails whose job is merely waiting in a busy queue (duplicates are harmless, not free).
SWEEP_GRACE = timedelta(minutes=5)

SENT, RETRY, FAILED, SKIPPED = "sent", "retry", "failed", "skipped"


def queue_declaration_email(declaration) -> OutboundEmail:
    """Owe the citizen their tờ khai by email. Call it inside the submission's transaction.

    Idempotent per declaration: a second call returns the first row and enqueues nothing.
    """
    if not (declaration.email_declaration and declaration.email):
        raise ValueError("The declaration does not ask for the tờ khai by email.")
    if not declaration.reference_code:
        raise ValueError("Only a submitted declaration is emailed.")
    language = declaration.language if declaration.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = declaration_submitted_subject(declaration.reference_code)
    email, created = OutboundEmail.objects.get_or_create(
        purpose=OutboundEmail.Purpose.DECLARATION_SUBMITTED,
        declaration_id=declaration.pk,
        defaults={"to_address": declaration.email, "subject": subject, "language": language},
    )
    if created:
        # After commit: the worker must find the row, and a rolled-back submission owes nothing.
        # robust: a failing enqueue must not turn a committed submission into an error page; the
        # sweep picks the row up instead.
        transaction.on_commit(partial(_enqueue_delivery, email.pk), robust=True)
        log.info("outbound email %s queued", email.pk)
    return email


def deliver_outbound_email(outbound_email_id) -> str:
    """One delivery attempt (the body of the ``deliver_email`` task). Returns what happened."""
    email = _claim(outbound_email_id)
    if email is None:
        return SKIPPED
    try:
        build_message(email).send(fail_silently=False)
    except PermanentDeliveryError as exc:
        return _give_up(email, exc.reason)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded; none may lose the email
        if _recipient_refused_permanently(exc):
            return _give_up(email, describe_error(exc))
        if not isinstance(exc, (smtplib.SMTPException, OSError)):
            # Not the mail server: a bug or a broken dependency. Keep retrying (a fixed deploy then
            # delivers), and show where it broke: frames only, since the message may hold data.
            log.error(
                "outbound email %s attempt %d raised %s at:\n%s",
                email.pk, email.attempts, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)),
            )
        return _schedule_retry(email, describe_error(exc))
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    log.info("outbound email %s sent on attempt %d", email.pk, email.attempts)
    return SENT


def enqueue_due_emails(*, grace: timedelta = SWEEP_GRACE) -> int:
    """Re-create the delivery job of every pending email overdue by ``grace``: the safety net for
    a lost job (process died before enqueueing, worker died mid-send, jobs deleted)."""
    cutoff = timezone.now() - grace
    due = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
    for pk in due:
        _enqueue_delivery(pk)
    if due:
        log.info("re-enqueued %d overdue outbound emails", len(due))
    return len(due)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1 min, 2, 4, 8, 16, 32, then 1 h each time."""
    doublings = min(max(attempts - 1, 0), 16)  # bounded: timedelta * 2**60 would overflow
    return min(FIRST_RETRY_DELAY * 2**doublings, MAX_RETRY_DELAY)


def describe_error(exc: BaseException) -> str:
    """``"SMTPRecipientsRefused 550"``, ``"ConnectionRefusedError"``: class and SMTP code only."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _message in exc.recipients.values()})
        return f"{name} {','.join(map(str, codes))}".strip()
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} {exc.smtp_code}"
    return name


def _recipient_refused_permanently(exc: BaseException) -> bool:
    # 5xx for every recipient ("550 no such user"): the same address will be refused tomorrow.
    # Other 5xx answers (sender, content, authentication) are usually our configuration, which an
    # operator fixes: those keep retrying for the 48 hours rather than drop the email.
    if not isinstance(exc, smtplib.SMTPRecipientsRefused) or not exc.recipients:
        return False
    return all(500 <= code < 600 for code, _message in exc.recipients.values())


def _claim(outbound_email_id) -> OutboundEmail | None:
    now = timezone.now()
    with transaction.atomic():
        # PostgreSQL: a row another worker holds is skipped, not waited for. SQLite has no row locks
        # (Django drops FOR UPDATE there); its IMMEDIATE transactions (settings) serialise claims.
        email = OutboundEmail.objects.select_for_update(skip_locked=True).filter(pk=outbound_email_id).first()
        if email is None:
            log.info("outbound email %s is being handled by another worker or does not exist", outbound_email_id)
            return None
        if email.status != OutboundEmail.Status.PENDING:
            log.info("outbound email %s is already %s; duplicate job ignored", email.pk, email.status)
            return None
        if email.next_attempt_at > now:
            log.info("outbound email %s is not due (sending elsewhere or retry scheduled)", email.pk)
            return None
        email.attempts += 1
        email.next_attempt_at = now + SEND_LEASE
        email.save(update_fields=["attempts", "next_attempt_at"])
    return email


def _schedule_retry(email: OutboundEmail, error: str) -> str:
    next_attempt_at = timezone.now() + retry_delay(email.attempts)
    if next_attempt_at > email.created_at + GIVE_UP_AFTER:
        return _give_up(email, error)
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.PENDING).update(
            next_attempt_at=next_attempt_at, last_error=error
        )
        transaction.on_commit(partial(_enqueue_delivery, email.pk, run_after=next_attempt_at), robust=True)
    log.warning(
        "outbound email %s attempt %d failed (%s); next attempt at %s",
        email.pk, email.attempts, error, next_attempt_at.isoformat(),
    )
    return RETRY


def _give_up(email: OutboundEmail, reason: str) -> str:
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.FAILED, last_error=reason[:200])
    log.error("outbound email %s failed permanently after %d attempts (%s)", email.pk, email.attempts, reason)
    return FAILED


def _enqueue_delivery(outbound_email_id, *, run_after=None):
    from .tasks import deliver_email

    task = deliver_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            # A backend that cannot wait (ImmediateBackend in development) would retry at once, in
            # a loop; the sweep enqueues the email when it is due instead.
            return None
        task = task.using(run_after=run_after)
    return task.enqueue(str(outbound_email_id))
