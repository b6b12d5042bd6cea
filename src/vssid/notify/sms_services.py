"""The SMS outbox: queue an SMS with the change that owes it, deliver it through the gateway, retry.

The same guarantees as the email outbox, kept by the same code (``outbox``):
- *Never lost*: the OutboundSms row is written in the caller's transaction; the job is enqueued on
  commit; ``vssid notify retry-pending`` re-creates lost jobs.
- *Sent once*: ``dedupe_key`` (purpose and object) is unique, so a repeated queue call owes nothing
  more; a job claims its row before sending, so a duplicate job finds it sent or not due. An HTTP
  provider is at-least-once like SMTP: a worker that dies after the provider took the message, or a
  timeout after it did, can cause one copy (the ``Idempotency-Key`` lets a provider that honours it
  drop the copy of a stored text).
- *Retried with back-off*: 1, 2, 4 … minutes up to 1 hour, for 48 hours (30 minutes for a reset
  code, useless after its 10 minutes anyway); a permanent refusal (4xx) fails at once.
- *No secret at rest*: the first password and reset codes are generated at send time
  (``sms_texts.compose``); the row stores no text for them. A failed attempt's secret is replaced by
  the next attempt's, so only the last one sent works.
- *No personal data in logs*: ids, statuses, counts and error classes only.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from .models import OutboundSms
from .outbox import GIVE_UP_AFTER, SKIPPED, SWEEP_GRACE, Outbox
from .sms import SmsPermanentError, SmsTemporaryError, get_gateway
from .sms_texts import SmsNotNeeded, compose, declaration_submitted_text, visit_reminder_text

log = logging.getLogger(__name__)

SMS_OUTBOX = Outbox(OutboundSms, label="outbound sms", task_path="vssid.notify.tasks.deliver_sms", log=log)

SHORT_LIVED_GIVE_UP_AFTER = timedelta(minutes=30)
_GIVE_UP_AFTER = {OutboundSms.Purpose.PASSWORD_RESET_CODE: SHORT_LIVED_GIVE_UP_AFTER}


def queue_submission_sms(declaration) -> OutboundSms:
    """Owe the citizen an SMS with the reference code, the office and the due date. Call it inside
    the submission's transaction (``submit_declaration``). Idempotent per declaration."""
    if declaration.status != "submitted" or not declaration.reference_code:
        raise ValueError("Only a submitted declaration gets the submission SMS.")
    if not declaration.mobile_phone:
        raise ValueError("The declaration has no mobile number.")
    return _queue(
        OutboundSms.Purpose.DECLARATION_SUBMITTED, declaration.mobile_phone, declaration.pk,
        # Stored: nothing secret in it, and a retry must send what was owed at submission.
        body=declaration_submitted_text(declaration),
    )


REMINDER_PURPOSE = {7: OutboundSms.Purpose.VISIT_REMINDER_7D, 1: OutboundSms.Purpose.VISIT_REMINDER_1D}


def queue_visit_reminder_sms(declaration, days_before: int) -> OutboundSms:
    """Owe the citizen a reminder 7 days or 1 day before the office visit is due. Idempotent per
    declaration and reminder."""
    if declaration.status != "submitted" or not declaration.mobile_phone:
        raise ValueError("Only a submitted declaration with a mobile number gets a reminder.")
    return _queue(REMINDER_PURPOSE[days_before], declaration.mobile_phone, declaration.pk,
                  body=visit_reminder_text(declaration, days_before))


def queue_credentials_sms(account) -> OutboundSms:
    """Owe the new account its username and first password. The password is generated when the
    SMS is sent (``accounts.services.issue_one_time_password``), never here. Idempotent per account."""
    return _queue(OutboundSms.Purpose.ACCOUNT_CREDENTIALS, account.mobile_phone, account.pk)


def queue_reset_code_sms(reset) -> OutboundSms:
    """Owe a password reset request its code, generated when the SMS is sent
    (``accounts.services.issue_reset_code``). Idempotent per request."""
    return _queue(OutboundSms.Purpose.PASSWORD_RESET_CODE, reset.account.mobile_phone, reset.pk)


def deliver_outbound_sms(outbound_sms_id) -> str:
    """One delivery attempt (the body of the ``deliver_sms`` task). Returns what happened."""
    sms = SMS_OUTBOX.claim(outbound_sms_id)
    if sms is None:
        return SKIPPED
    give_up_after = _GIVE_UP_AFTER.get(sms.purpose, GIVE_UP_AFTER)
    try:
        message = compose(sms)
    except SmsNotNeeded as not_needed:
        return SMS_OUTBOX.give_up(sms, not_needed.reason, status=OutboundSms.Status.SKIPPED)
    except Exception as exc:  # noqa: BLE001 - a bug must not lose the SMS: retried after a fix
        SMS_OUTBOX.log_bug(sms, exc)
        return SMS_OUTBOX.schedule_retry(sms, type(exc).__name__, give_up_after=give_up_after)
    try:
        provider_message_id = get_gateway().send(sms.to_number, message.text, reference=message.reference)
    except SmsPermanentError as refused:
        return SMS_OUTBOX.give_up(sms, f"{type(refused).__name__} {refused.reason}")
    except SmsTemporaryError as failed:
        return SMS_OUTBOX.schedule_retry(sms, f"{type(failed).__name__} {failed.reason}", give_up_after=give_up_after)
    except Exception as exc:  # noqa: BLE001 - a broken gateway configuration or a bug: keep the SMS
        SMS_OUTBOX.log_bug(sms, exc)
        return SMS_OUTBOX.schedule_retry(sms, type(exc).__name__, give_up_after=give_up_after)
    return SMS_OUTBOX.mark_sent(sms, provider_message_id=provider_message_id)


def enqueue_due_sms(*, grace: timedelta = SWEEP_GRACE) -> int:
    """Re-create the delivery job of every pending SMS overdue by ``grace`` (the sweep)."""
    return SMS_OUTBOX.enqueue_due(grace=grace)


def _queue(purpose: str, to_number: str, object_id, *, body: str = "") -> OutboundSms:
    sms, created = OutboundSms.objects.get_or_create(
        dedupe_key=f"{purpose}:{object_id}",
        defaults={"purpose": purpose, "to_number": to_number, "object_id": object_id, "body": body},
    )
    if created:
        SMS_OUTBOX.enqueue_on_commit(sms.pk)
        log.info("outbound sms %s queued (%s)", sms.pk, purpose)
    return sms
