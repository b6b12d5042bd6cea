"""Reads for the account page: the registered data and the declaration's history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vssid.cards.names import display_name
from vssid.cards.phones import format_mobile_national
from vssid.declarations.presenters import contact_address
from vssid.declarations.reference import format_reference_code

from .models import CitizenAccount, PasswordReset


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Event:
    when: datetime
    title: str
    detail: str = ""


def registered_data(account: CitizenAccount) -> list[Row]:
    d = account.declaration
    document = f"{d.get_id_document_type_display()}: {d.id_document_number}" if d.id_document_number else ""
    return [
        Row(_("Họ và tên"), display_name(d.full_name)),
        Row(_("Mã số BHXH (tên đăng nhập)"), account.username),
        Row(_("Ngày sinh"), date_format(d.date_of_birth, "d/m/Y") if d.date_of_birth else ""),
        Row(_("Giới tính"), d.get_sex_display()),
        Row(_("Giấy tờ tùy thân"), document),
        Row(_("Địa chỉ liên hệ"), contact_address(d)),
        Row(_("Số điện thoại di động"), format_mobile_national(d.mobile_phone)),
        Row(_("Email"), d.email or _("Không có")),
    ]


def declaration_history(account: CitizenAccount) -> list[Event]:
    """What happened to the declaration and the account, oldest first: submission, approval,
    messages actually delivered, password changes."""
    from vssid.notify.models import OutboundEmail, OutboundSms

    d = account.declaration
    events = []
    if d.submitted_at:
        detail = _("Mã hồ sơ %(code)s") % {"code": format_reference_code(d.reference_code)}
        if d.office_id:
            detail += " – " + _("nơi tiếp nhận: %(office)s") % {"office": d.office.name}
        events.append(Event(d.submitted_at, _("Gửi tờ khai đăng ký giao dịch điện tử"), detail))
    events.append(Event(account.created_at, _("Cơ quan BHXH duyệt tờ khai, tài khoản được kích hoạt")))

    phone_ending = d.mobile_phone[-3:]
    sms_titles = {
        OutboundSms.Purpose.DECLARATION_SUBMITTED: _("Gửi tin nhắn xác nhận tờ khai"),
        OutboundSms.Purpose.ACCOUNT_CREDENTIALS: _("Gửi mật khẩu lần đầu bằng tin nhắn"),
    }
    sent_sms = OutboundSms.objects.filter(
        object_id__in=[d.pk, account.pk], purpose__in=list(sms_titles), status=OutboundSms.Status.SENT,
    ).values_list("purpose", "sent_at")
    for purpose, sent_at in sent_sms:
        events.append(Event(sent_at, sms_titles[purpose], _("đến số điện thoại kết thúc bằng %(end)s") % {"end": phone_ending}))
    email_titles = {
        OutboundEmail.Purpose.DECLARATION_SUBMITTED: _("Gửi tờ khai (PDF) qua email"),
        OutboundEmail.Purpose.ACCOUNT_ACTIVATED: _("Gửi thông báo kích hoạt tài khoản qua email"),
    }
    sent_emails = OutboundEmail.objects.filter(
        declaration_id=d.pk, purpose__in=list(email_titles), status=OutboundEmail.Status.SENT,
    ).values_list("purpose", "sent_at")
    for purpose, sent_at in sent_emails:
        events.append(Event(sent_at, email_titles[purpose]))

    channel_names = {PasswordReset.Channel.SMS: _("tin nhắn"), PasswordReset.Channel.EMAIL: _("email")}
    for channel, used_at in account.password_resets.filter(used_at__isnull=False).values_list("channel", "used_at"):
        events.append(Event(used_at, _("Đặt lại mật khẩu"), _("bằng mã gửi qua %(channel)s") % {"channel": channel_names[channel]}))
    if account.password_changed_at and not account.password_resets.filter(used_at=account.password_changed_at).exists():
        events.append(Event(account.password_changed_at, _("Đổi mật khẩu")))
    return sorted(events, key=lambda event: event.when)
