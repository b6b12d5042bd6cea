"""What each outbox email says: subject, text and HTML bodies, attachments.

Messages are built at send time, not at queue time: the submission only writes a row, and the PDF
(typst, a few milliseconds) and the templates run in the worker.
"""
from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext

from vssid.declarations.reference import format_reference_code

from .models import OutboundEmail


class PermanentDeliveryError(Exception):
    """Retrying cannot help. ``reason`` is stored and logged, so it never holds personal data.

    ``status`` is what the row becomes: ``failed``, or ``skipped`` when the email is simply no longer
    needed (a reset code superseded by a newer request).
    """

    def __init__(self, reason: str, *, status: str = "failed"):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def declaration_submitted_subject(reference_code: str) -> str:
    return gettext("Tờ khai đăng ký giao dịch điện tử – mã hồ sơ %(code)s") % {
        "code": format_reference_code(reference_code)
    }


def build_message(outbound: OutboundEmail) -> EmailMultiAlternatives:
    from vssid.desk.notices import EMAIL_BUILDERS as desk_builders  # the office's notices (rejection, reminders)

    from .account_emails import account_activated_message, password_reset_code_message

    builders = {
        OutboundEmail.Purpose.DECLARATION_SUBMITTED: _declaration_submitted_message,
        OutboundEmail.Purpose.ACCOUNT_ACTIVATED: account_activated_message,
        OutboundEmail.Purpose.PASSWORD_RESET_CODE: password_reset_code_message,
        **desk_builders,
    }
    try:
        builder = builders[outbound.purpose]
    except KeyError:
        raise PermanentDeliveryError(f"UnknownPurpose {outbound.purpose}") from None
    with translation.override(outbound.language):
        message = builder(outbound)
    # The same Message-ID on every attempt: a retried email is one message in every log and inbox.
    # (A builder whose content changes between attempts, a fresh one-time code, sets its own.)
    message.extra_headers.setdefault("Message-ID", f"<{outbound.pk}@{_sender_domain()}>")
    return message


def _declaration_submitted_message(outbound: OutboundEmail) -> EmailMultiAlternatives:
    # Imported here so notify does not load the declarations app (and typst) until it sends.
    from vssid.declarations.deadlines import VIETNAM
    from vssid.declarations.documents import office_postal_address, pdf_filename, render_declaration_pdf
    from vssid.declarations.models import Declaration

    declaration = (
        Declaration.objects.select_related(
            "office__province", "office__commune", "address_province", "address_commune"
        )
        .filter(pk=outbound.declaration_id)
        .first()
    )
    if declaration is None:
        raise PermanentDeliveryError("DeclarationMissing")
    if declaration.status != Declaration.Status.SUBMITTED:
        # Cancelled, expired or already decided while the mail server was down: "go to the
        # office by …" would now be wrong.
        raise PermanentDeliveryError(f"DeclarationNotSubmitted {declaration.status}")

    pdf = render_declaration_pdf(declaration)
    office = declaration.office
    submitted = declaration.submitted_at.astimezone(VIETNAM)  # the citizen's clock, as on the tờ khai
    context = {
        "full_name": declaration.full_name,
        "reference_code": format_reference_code(declaration.reference_code),
        "submitted_at": f"{submitted:%H:%M} {gettext('ngày')} {submitted:%d/%m/%Y}",
        "visit_due_date": declaration.visit_due_date.strftime("%d/%m/%Y"),
        "office_name": office.name,
        "office_address": office_postal_address(office),
        "office_hours": office.opening_hours,
        "office_phone": office.phone,
        # Enough to recognise one's own number, not enough to learn someone else's.
        "phone_ending": declaration.mobile_phone[-3:],
        "confirmation_url": _confirmation_url(declaration.confirmation_token),
    }
    message = EmailMultiAlternatives(
        subject=outbound.subject,
        body=render_to_string("notify/declaration_submitted.txt", context),
        to=[outbound.to_address],
    )
    message.attach_alternative(render_to_string("notify/declaration_submitted.html", context), "text/html")
    message.attach(pdf_filename(declaration.reference_code), pdf, "application/pdf")
    return message


def _confirmation_url(token: str | None) -> str | None:
    if not token:
        return None
    try:
        path = reverse("declarations:confirmation", kwargs={"token": token})
    except NoReverseMatch:
        return None
    return settings.VSSID_PUBLIC_URL.rstrip("/") + path


def _sender_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "vssid.local"
