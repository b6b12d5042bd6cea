"""Password rules with messages that say what to do, in the active language (Vietnamese first).

Django's own validators keep their rules (the list of 20,000 common passwords, the length check) but
their English messages are translated only when django.contrib.auth's catalogue is loaded, and then
say what is wrong rather than what to do. These subclasses keep the rules and replace the words.
They are the citizens' rules, listed in settings.AUTH_PASSWORD_VALIDATORS (officers' passwords follow
the desk's stricter list, ``desk.officers.OFFICER_PASSWORD_VALIDATORS``).
"""
from django.contrib.auth import password_validation as django_rules
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

from vssid.cards.text import compact_code


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "Mật khẩu phải có ít nhất %(min_length)d ký tự",
            "Mật khẩu phải có ít nhất %(min_length)d ký tự",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return self.get_error_message()


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    def get_error_message(self):
        return gettext("Mật khẩu này quá phổ biến và dễ bị đoán. Hãy chọn mật khẩu khác")

    def get_help_text(self):
        return gettext("Không dùng mật khẩu phổ biến như 12345678 hay password")


class NumericPasswordValidator(django_rules.NumericPasswordValidator):
    def get_error_message(self):
        return gettext("Mật khẩu không được chỉ gồm chữ số. Hãy thêm chữ cái")

    def get_help_text(self):
        return gettext("Có cả chữ cái, không chỉ chữ số")


class PersonalNumberValidator:
    """The password must not contain the person's own numbers: mã số BHXH, ID document number,
    phone number. They are printed on cards and forms that other people see.

    Asks ``user.password_identifiers()`` (CitizenAccount), else uses ``user.username``.
    """

    def validate(self, password, user=None):
        if user is None:
            return
        if hasattr(user, "password_identifiers"):
            numbers = user.password_identifiers()
        else:
            numbers = [getattr(user, "username", "")]
        typed = compact_code(password).upper()
        for number in numbers:
            number = compact_code(number).upper()
            # Short values (a 3-digit anything) would refuse half of all passwords by accident.
            if len(number) >= 6 and number in typed:
                raise ValidationError(self.get_error_message(), code="password_contains_personal_number")

    def get_error_message(self):
        return gettext("Mật khẩu không được chứa mã số BHXH, số giấy tờ tùy thân hay số điện thoại của bạn")

    def get_help_text(self):
        return gettext("Không chứa mã số BHXH, số giấy tờ hay số điện thoại của bạn")
