"""What the office tells the citizen: the rejection notice and the visit reminders.

They go through notify's outboxes like every other message: the row is written in the transaction
that owes it (the decision, the reminder job) and a worker delivers it. The email bodies are built
here, at send time, and registered in ``notify.emails.build_message`` through EMAIL_BUILDERS.
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from vssid.declarations.deadlines import REMINDER_DAYS_BEFORE, VIETNAM
from vssid.declarations.documents import office_postal_address
from vssid.declarations.models import Declaration
from vssid.declarations.reference import format_reference_code
from vssid.notify import services as email_outbox
from vssid.notify.emails import PermanentDeliveryError
from vssid.notify.sms_services import queue_visit_reminder_sms

# Outbox purposes. The outbox keeps one email per (purpose, declaration): each reminder has its own.
DECLARATION_REJECTED = "declaration_rejected"


def visit_reminder_purpose(days_before: int) -> str:
    return f"visit_reminder_{days_before}d"


def _language(declaration: Declaration) -> str:
    return declaration.language if declaration.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _queue_email(declaration: Declaration, purpose: str, subject: str) -> None:
    with translation.override(_language(declaration)):
        subject = gettext(subject) % {"code": format_reference_code(declaration.reference_code)}
    email_outbox.queue_email(purpose=purpose, to_address=declaration.email, subject=subject,
                             language=_language(declaration), declaration_id=declaration.pk)


REJECTED_SUBJECT = gettext_noop("Thông báo không chấp nhận đăng ký giao dịch điện tử – mã hồ sơ %(code)s")
REMINDER_SUBJECT = gettext_noop("Nhắc hạn đến cơ quan BHXH – mã hồ sơ %(code)s")


def queue_rejection_notice(declaration: Declaration) -> list[str]:
    """Owe the citizen the reason of the rejection (mẫu 01/TB-GDĐT); returns the channels used."""
    if not declaration.email:
        return []
    _queue_email(declaration, DECLARATION_REJECTED, REJECTED_SUBJECT)
    return ["email"]


def queue_visit_reminder(declaration: Declaration, days_before: int) -> list[str]:
    """Owe the citizen a reminder that the office visit is due; returns the channels used."""
    channels = []
    if declaration.email:
        _queue_email(declaration, visit_reminder_purpose(days_before), REMINDER_SUBJECT)
        channels.append("email")
    if declaration.mobile_phone:
        queue_visit_reminder_sms(declaration, days_before)
        channels.append("sms")
    return channels


# Email bodies, built at send time -----------------------------------------------------------------

def _declaration(outbound, status: str) -> Declaration:
    declaration = Declaration.objects.select_related("office__province", "office__commune").filter(
        pk=outbound.declaration_id).first()
    if declaration is None:
        raise PermanentDeliveryError("DeclarationMissing")
    if declaration.status != status:
        # Decided or expired while the email waited: a reminder would now be wrong.
        raise PermanentDeliveryError(f"DeclarationNot{status.title()} {declaration.status}", status="skipped")
    return declaration


def _office(office) -> dict:
    return {"office_name": office.name, "office_address": office_postal_address(office),
            "office_hours": office.opening_hours, "office_phone": office.phone}


def _message(outbound, template: str, context: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=outbound.subject, body=render_to_string(f"desk/email/{template}.txt", context), to=[outbound.to_address],
    )
    message.attach_alternative(render_to_string(f"desk/email/{template}.html", context), "text/html")
    return message


def _public_url(path: str) -> str:
    return settings.VSSID_PUBLIC_URL.rstrip("/") + path


def rejection_message(outbound) -> EmailMultiAlternatives:
    from django.urls import reverse

    from .models import Decision

    declaration = _declaration(outbound, Declaration.Status.REJECTED)
    decision = Decision.objects.select_related("office").filter(declaration_id=declaration.pk).first()
    if decision is None:
        raise PermanentDeliveryError("DecisionMissing")
    return _message(outbound, "declaration_rejected", {
        "full_name": declaration.full_name,
        "reference_code": format_reference_code(declaration.reference_code),
        "decided_on": decision.decided_at.astimezone(VIETNAM).strftime("%d/%m/%Y"),
        "reason": decision.get_reason_display(),
        "reason_text": decision.reason_text,
        "start_url": _public_url(reverse("declarations:start")),
        **_office(decision.office),
    })


def visit_reminder_message(outbound) -> EmailMultiAlternatives:
    from django.urls import reverse

    declaration = _declaration(outbound, Declaration.Status.SUBMITTED)
    return _message(outbound, "visit_reminder", {
        "full_name": declaration.full_name,
        "reference_code": format_reference_code(declaration.reference_code),
        "visit_due_date": declaration.visit_due_date.strftime("%d/%m/%Y"),
        "confirmation_url": _public_url(reverse("declarations:confirmation",
                                                kwargs={"token": declaration.confirmation_token})),
        **_office(declaration.office),
    })


EMAIL_BUILDERS = {
    DECLARATION_REJECTED: rejection_message,
    **{visit_reminder_purpose(days): visit_reminder_message for days in REMINDER_DAYS_BEFORE},
}
