"""What each SMS says, in the unaccented ASCII BHXH's own messages use.

One Vietnamese letter outside the GSM 7-bit alphabet turns a message into UCS-2, and a single part
then holds 70 characters instead of 160: texts are unaccented (``cards.text.unaccent``), and
composed to fit 160 characters, shortening the wording before giving up on one part.

Texts that carry a secret (the first password, a reset code) are composed at send time, with the
secret generated in the same step (``compose``): they are never stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext

from vssid.cards.text import unaccent

from .models import OutboundSms

SINGLE_PART = 160

# Typographic characters that people and templates use, and their ASCII stand-ins.
_ASCII_PUNCTUATION = str.maketrans({
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-",
    "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "\u00a0": " ",
})
# Official names start with the words BHXH's messages abbreviate.
_LONG_AGENCY_NAME = re.compile(r"^b[aả]o hi[eể]m x[aã] h[oộ]i\b", re.IGNORECASE)


class SmsNotNeeded(Exception):
    """The SMS has become pointless (the declaration was cancelled, the account is in use, a newer
    reset was asked for): the row is marked skipped. ``reason`` holds no personal data."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ComposedSms:
    text: str
    # Passed to the gateway: the same only when the same text is sent again (see SmsGateway.send).
    reference: str


def sms_ascii(text: str) -> str:
    """The text as GSM-safe ASCII: diacritics removed, typographic punctuation replaced, anything
    else outside ASCII replaced by "?" (nothing we compose has any)."""
    plain = unaccent(text.translate(_ASCII_PUNCTUATION))
    return plain.encode("ascii", "replace").decode("ascii")


def short_office_name(name: str) -> str:
    """``Bảo hiểm xã hội cơ sở Ba Đình`` → ``BHXH cơ sở Ba Đình``."""
    return _LONG_AGENCY_NAME.sub("BHXH", name.strip())


def _fitting(*candidates: str) -> str:
    """The first candidate that fits one part, else the shortest (sent in several parts)."""
    texts = [sms_ascii(candidate) for candidate in candidates]
    for text in texts:
        if len(text) <= SINGLE_PART:
            return text
    return min(texts, key=len)


def declaration_submitted_text(declaration) -> str:
    """The SMS of a submitted declaration: the reference code, where to go, by when, with what."""
    from vssid.declarations.reference import format_reference_code

    with translation.override(declaration.language or "vi"):
        document = {
            "cccd": gettext("CCCD"), "cmnd": gettext("CMND"), "passport": gettext("hộ chiếu"),
        }.get(declaration.id_document_type, gettext("giấy tờ tùy thân"))
        values = {
            "code": format_reference_code(declaration.reference_code),
            "office": short_office_name(declaration.office.name),
            "due": declaration.visit_due_date.strftime("%d/%m/%Y"),
            "document": document,
        }
        return _fitting(
            gettext("BHXH: Đã nhận tờ khai đăng ký giao dịch điện tử, mã hồ sơ %(code)s. "
                    "Đến %(office)s trước %(due)s, mang theo %(document)s gốc.") % values,
            gettext("BHXH: Đã nhận tờ khai, mã hồ sơ %(code)s. Đến %(office)s trước %(due)s, "
                    "mang theo %(document)s gốc.") % values,
            gettext("BHXH: Mã hồ sơ %(code)s. Đến %(office)s trước %(due)s, mang %(document)s gốc.") % values,
        )


def visit_reminder_text(declaration, days_before: int) -> str:
    """A reminder that the office visit is due: the reference code, where, by when."""
    from vssid.declarations.reference import format_reference_code

    with translation.override(declaration.language or "vi"):
        values = {
            "code": format_reference_code(declaration.reference_code),
            "office": short_office_name(declaration.office.name),
            "due": declaration.visit_due_date.strftime("%d/%m/%Y"),
            "days": days_before,
        }
        return _fitting(
            gettext("BHXH: Còn %(days)d ngày để hoàn tất đăng ký giao dịch điện tử, mã hồ sơ %(code)s. "
                    "Đến %(office)s trước %(due)s, mang theo giấy tờ tùy thân gốc.") % values,
            gettext("BHXH: Mã hồ sơ %(code)s. Đến %(office)s trước %(due)s, mang giấy tờ gốc.") % values,
        )


def credentials_text(username: str, password: str) -> str:
    return _fitting(
        gettext("BHXH: Tài khoản VssID của bạn đã được kích hoạt. Tên đăng nhập: %(username)s. "
                "Mật khẩu: %(password)s. Hãy đổi mật khẩu khi đăng nhập lần đầu.")
        % {"username": username, "password": password},
    )


def reset_code_text(code: str, minutes: int) -> str:
    return _fitting(
        gettext("BHXH: Mã đặt lại mật khẩu VssID là %(code)s, có hiệu lực %(minutes)d phút. "
                "Không đưa mã này cho bất kỳ ai, kể cả cán bộ BHXH.")
        % {"code": code, "minutes": minutes},
    )


# Notices about a submitted declaration: their text is stored when queued (nothing secret in it)
# and they are dropped once the declaration is no longer waiting for the visit.
DECLARATION_NOTICES = frozenset({
    OutboundSms.Purpose.DECLARATION_SUBMITTED,
    OutboundSms.Purpose.VISIT_REMINDER_7D,
    OutboundSms.Purpose.VISIT_REMINDER_1D,
})


def compose(sms: OutboundSms) -> ComposedSms:
    """The text to send now. For the secret-bearing purposes this generates the secret (and stores
    its hash) before returning: call it right before handing the text to the gateway."""
    if sms.purpose in DECLARATION_NOTICES:
        from vssid.declarations.models import Declaration

        status = Declaration.objects.filter(pk=sms.object_id).values_list("status", flat=True).first()
        if status is None:
            raise SmsNotNeeded("DeclarationMissing")
        if status != Declaration.Status.SUBMITTED:
            # Cancelled or expired while the gateway was down: "go to the office by …" is now wrong.
            raise SmsNotNeeded(f"DeclarationNotSubmitted {status}")
        return ComposedSms(text=sms.body, reference=str(sms.pk))

    from vssid.accounts import services as accounts

    # A fresh secret on every attempt, so every attempt's text differs: the reference does too.
    reference = f"{sms.pk}-{sms.attempts}"
    try:
        if sms.purpose == OutboundSms.Purpose.ACCOUNT_CREDENTIALS:
            username, password = accounts.issue_one_time_password(sms.object_id)
            return ComposedSms(text=credentials_text(username, password), reference=reference)
        if sms.purpose == OutboundSms.Purpose.PASSWORD_RESET_CODE:
            code = accounts.issue_reset_code(sms.object_id)
            minutes = int(accounts.RESET_CODE_LIFETIME.total_seconds() // 60)
            return ComposedSms(text=reset_code_text(code, minutes), reference=reference)
    except accounts.NoLongerNeeded as not_needed:
        raise SmsNotNeeded(not_needed.reason) from None
    raise ValueError(f"unknown SMS purpose {sms.purpose}")
