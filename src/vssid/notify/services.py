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

The bookkeeping behind these (claim, lease, back-off, sweep) lives in ``outbox``, shared with the
SMS outbox (``sms_services``).
"""
from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.utils import translation

from .emails import PermanentDeliveryError, build_message, declaration_submitted_subject
from .models import OutboundEmail
from .outbox import GIVE_UP_AFTER, SKIPPED, SWEEP_GRACE, Outbox
from .outbox import retry_delay  # noqa: F401 - this module's interface since before the SMS outbox

log = logging.getLogger(__name__)

EMAIL_OUTBOX = Outbox(OutboundEmail, label="outbound email", task_path="vssid.notify.tasks.deliver_email", log=log)

# A one-time code is useless once it has expired: its email stops being retried much sooner.
SHORT_LIVED_GIVE_UP_AFTER = timedelta(minutes=30)
_GIVE_UP_AFTER = {OutboundEmail.Purpose.PASSWORD_RESET_CODE: SHORT_LIVED_GIVE_UP_AFTER}


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
        EMAIL_OUTBOX.enqueue_on_commit(email.pk)
        log.info("outbound email %s queued", email.pk)
    return email


def queue_email(*, purpose: str, to_address: str, subject: str, language: str,
                declaration_id=None, reference_id=None) -> OutboundEmail:
    """Owe an email whose body is built at send time (see ``emails.build_message``). Call it inside
    the transaction of the change that owes it.

    Idempotent per purpose and object (``declaration_id`` or ``reference_id``): a second call returns
    the first row and enqueues nothing.
    """
    if declaration_id is None and reference_id is None:
        raise ValueError("An email is owed for a declaration or another object.")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    key = {"declaration_id": declaration_id} if reference_id is None else {"reference_id": reference_id}
    email, created = OutboundEmail.objects.get_or_create(
        purpose=purpose, **key,
        defaults={"to_address": to_address, "subject": subject, "language": language,
                  "declaration_id": declaration_id},
    )
    if created:
        EMAIL_OUTBOX.enqueue_on_commit(email.pk)
        log.info("outbound email %s queued (%s)", email.pk, purpose)
    return email


def deliver_outbound_email(outbound_email_id) -> str:
    """One delivery attempt (the body of the ``deliver_email`` task). Returns what happened."""
    email = _claim(outbound_email_id)
    if email is None:
        return SKIPPED
    give_up_after = _GIVE_UP_AFTER.get(email.purpose, GIVE_UP_AFTER)
    try:
        build_message(email).send(fail_silently=False)
    except PermanentDeliveryError as exc:
        return EMAIL_OUTBOX.give_up(email, exc.reason, status=exc.status)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded; none may lose the email
        if _recipient_refused_permanently(exc):
            return EMAIL_OUTBOX.give_up(email, describe_error(exc))
        if not isinstance(exc, (smtplib.SMTPException, OSError)):
            EMAIL_OUTBOX.log_bug(email, exc)
        return EMAIL_OUTBOX.schedule_retry(email, describe_error(exc), give_up_after=give_up_after)
    return EMAIL_OUTBOX.mark_sent(email)


def enqueue_due_emails(*, grace: timedelta = SWEEP_GRACE) -> int:
    """Re-create the delivery job of every pending email overdue by ``grace``: the safety net for
    a lost job (process died before enqueueing, worker died mid-send, jobs deleted)."""
    return EMAIL_OUTBOX.enqueue_due(grace=grace)


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
    return EMAIL_OUTBOX.claim(outbound_email_id)


def _enqueue_delivery(outbound_email_id, *, run_after=None):
    return EMAIL_OUTBOX.enqueue(outbound_email_id, run_after=run_after)
