"""The citizen account's emails: the activation notice and the password reset code.

Like every outbox email, the row is queued in the transaction that owes it and the message is built
at send time (``emails.build_message``). The reset code is generated at send time too, like the SMS
secrets (``sms_texts``): the row never holds it, and each attempt carries a fresh code, under its
own Message-ID so that no mail client folds it into an earlier attempt with a dead code.
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from . import services
from .emails import PermanentDeliveryError, _sender_domain
from .models import OutboundEmail

ACTIVATED_SUBJECT = gettext_noop("Tài khoản giao dịch điện tử với cơ quan BHXH đã được kích hoạt")
RESET_CODE_SUBJECT = gettext_noop("Mã đặt lại mật khẩu VssID")


def _language(declaration) -> str:
    return declaration.language if declaration.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def queue_account_activated_email(account) -> OutboundEmail:
    """Tell the citizen by email that the account exists (the password goes by SMS only). Call it
    inside the approval's transaction; idempotent per declaration."""
    declaration = account.declaration
    if not declaration.email:
        raise ValueError("The declaration has no email address.")
    language = _language(declaration)
    with translation.override(language):
        subject = gettext(ACTIVATED_SUBJECT)
    return services.queue_email(
        purpose=OutboundEmail.Purpose.ACCOUNT_ACTIVATED, to_address=declaration.email, subject=subject,
        language=language, declaration_id=declaration.pk,
    )


def queue_reset_code_email(reset) -> OutboundEmail:
    """Owe a password reset request its code by email; idempotent per request."""
    declaration = reset.account.declaration
    if not declaration.email:
        raise ValueError("The declaration has no email address.")
    language = _language(declaration)
    with translation.override(language):
        subject = gettext(RESET_CODE_SUBJECT)
    return services.queue_email(
        purpose=OutboundEmail.Purpose.PASSWORD_RESET_CODE, to_address=declaration.email, subject=subject,
        language=language, reference_id=reset.pk,
    )


def account_activated_message(outbound: OutboundEmail) -> EmailMultiAlternatives:
    from vssid.accounts.models import CitizenAccount

    account = CitizenAccount.objects.select_related("declaration").filter(declaration_id=outbound.declaration_id).first()
    if account is None:
        raise PermanentDeliveryError("AccountMissing")
    declaration = account.declaration
    context = {
        "full_name": declaration.full_name,
        "username": account.username,
        # Enough to recognise one's own number, not enough to learn someone else's.
        "phone_ending": declaration.mobile_phone[-3:],
        "login_url": _public_url("accounts:login"),
        "reset_url": _public_url("accounts:forgot-password"),
    }
    return _message(outbound, "account_activated", context)


def password_reset_code_message(outbound: OutboundEmail) -> EmailMultiAlternatives:
    from vssid.accounts import services as accounts

    try:
        code = accounts.issue_reset_code(outbound.reference_id)
    except accounts.NoLongerNeeded as not_needed:
        raise PermanentDeliveryError(not_needed.reason, status=OutboundEmail.Status.SKIPPED) from None
    context = {
        "code": code,
        "minutes": int(accounts.RESET_CODE_LIFETIME.total_seconds() // 60),
        "reset_url": _public_url("accounts:reset-password"),
    }
    message = _message(outbound, "password_reset_code", context)
    message.extra_headers["Message-ID"] = f"<{outbound.pk}.{outbound.attempts}@{_sender_domain()}>"
    return message


def _message(outbound: OutboundEmail, template: str, context: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=outbound.subject, body=render_to_string(f"notify/{template}.txt", context), to=[outbound.to_address],
    )
    message.attach_alternative(render_to_string(f"notify/{template}.html", context), "text/html")
    return message


def _public_url(name: str) -> str | None:
    try:
        path = reverse(name)
    except NoReverseMatch:
        return None
    return settings.VSSID_PUBLIC_URL.rstrip("/") + path
