"""The account pages' forms: they check presence and shape; the services decide the rest (who the
account is, whether the password is right, the password rules)."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vssid.core.forms import CitizenForm, digits_field

from .models import PasswordReset

# Longer than any password a person types; an attacker's megabyte never reaches Argon2.
PASSWORD_MAX_LENGTH = 128


def identifier_field() -> forms.CharField:
    return digits_field(
        label=_("Mã số BHXH hoặc số CCCD"),
        help_text=_("Mã số BHXH gồm 10 chữ số, in trên thẻ BHYT; số CCCD gồm 12 chữ số"),
        max_length=40,
        attrs={"autocomplete": "username"},
        error_messages={"required": _("Nhập mã số BHXH hoặc số CCCD"),
                        "max_length": _("Nhập mã số BHXH (10 chữ số) hoặc số CCCD (12 chữ số)")},
    )


def password_field(label, *, autocomplete: str, required_message, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,  # spaces are part of a password
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete, "spellcheck": "false",
                                          "autocapitalize": "none", "class": "input"}),
        error_messages={"required": required_message,
                        "max_length": _("Mật khẩu dài tối đa %(limit_value)d ký tự")},
    )


class LoginForm(CitizenForm):
    identifier = identifier_field()
    password = password_field(_("Mật khẩu"), autocomplete="current-password",
                              required_message=_("Nhập mật khẩu"))


class NewPasswordForm(CitizenForm):
    """A new password typed twice. The rules (settings.AUTH_PASSWORD_VALIDATORS) are applied by the
    service, whose ValidationError is shown on ``new_password`` (``add_password_errors``)."""

    new_password = password_field(
        _("Mật khẩu mới"), autocomplete="new-password", required_message=_("Nhập mật khẩu mới"),
        help_text=_("Ít nhất 8 ký tự, có chữ cái; không dùng mật khẩu phổ biến, mã số BHXH, số giấy tờ hay số điện thoại"),
    )
    new_password_again = password_field(
        _("Nhập lại mật khẩu mới"), autocomplete="new-password", required_message=_("Nhập lại mật khẩu mới"),
    )

    def clean(self):
        cleaned = super().clean()
        first, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if first and again and first != again:
            self.add_error("new_password_again", _("Mật khẩu nhập lại không khớp. Hãy nhập lại cho giống hệt"))
        return cleaned

    def add_password_errors(self, error: ValidationError) -> None:
        for message in error.messages:
            self.add_error("new_password", message)


class ChangePasswordForm(NewPasswordForm):
    current_password = password_field(
        _("Mật khẩu hiện tại"), autocomplete="current-password", required_message=_("Nhập mật khẩu hiện tại"),
    )
    field_order = ["current_password", "new_password", "new_password_again"]


class ForgotPasswordForm(CitizenForm):
    identifier = identifier_field()
    channel = forms.ChoiceField(
        label=_("Nhận mã xác nhận qua"),
        choices=[
            (PasswordReset.Channel.SMS, _("Tin nhắn SMS đến số điện thoại đã đăng ký")),
            (PasswordReset.Channel.EMAIL, _("Email đã đăng ký")),
        ],
        widget=forms.RadioSelect,
        initial=PasswordReset.Channel.SMS,
        error_messages={"required": _("Chọn cách nhận mã xác nhận"),
                        "invalid_choice": _("Chọn cách nhận mã xác nhận")},
    )
    error_anchor = {"channel": "id_channel_0"}


class ResetPasswordForm(NewPasswordForm):
    identifier = identifier_field()
    code = digits_field(
        label=_("Mã xác nhận"),
        help_text=_("6 chữ số trong tin nhắn hoặc email vừa gửi"),
        max_length=20,
        attrs={"autocomplete": "one-time-code", "class": "input input--w"},
        error_messages={"required": _("Nhập mã xác nhận gồm 6 chữ số"),
                        "max_length": _("Nhập mã xác nhận gồm 6 chữ số")},
    )
    field_order = ["identifier", "code", "new_password", "new_password_again"]
