"""Forms of the desk. Corrections go through the same card rules as the citizen's own answers."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vssid.cards import identity, names
from vssid.cards.errors import InvalidValue
from vssid.core.forms import CitizenForm, DateOfBirthForm, message_for
from vssid.declarations.models import Declaration
from vssid.places.models import Office

from . import officers
from .models import Decision, OfficerProfile

DATE_PARTS = ("dob_day", "dob_month", "dob_year")


class LoginForm(CitizenForm):
    username = forms.CharField(
        label=_("Tên đăng nhập"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none",
                                      "class": "input input--w12"}),
        error_messages={"required": _("Nhập tên đăng nhập")},
    )
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "input input--w12"}),
        error_messages={"required": _("Nhập mật khẩu")},
    )


class SearchForm(CitizenForm):
    q = forms.CharField(
        label=_("Mã hồ sơ, số giấy tờ, mã số BHXH hoặc họ tên"), required=False, max_length=600,
        help_text=_("Gõ hoặc quét mã QR trên trang xác nhận, tờ khai PDF, thẻ căn cước hoặc thẻ BHYT"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "input",
                                      "autofocus": True, "enterkeyhint": "search"}),
    )
    photo = forms.FileField(
        label=_("Hoặc chụp ảnh mã QR"), required=False,
        error_messages={"empty": _("Ảnh đã chọn là tệp trống – hãy chụp lại ảnh mã QR")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment", "class": "file-input"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("q") and not cleaned.get("photo") and not self.errors:
            raise ValidationError(_("Nhập mã hồ sơ, số giấy tờ, mã số BHXH hoặc họ tên để tìm"), code="required")
        return cleaned


class ReauthenticationMixin(forms.Form):
    """A password field, required when the officer's last authentication is too old."""

    password = forms.CharField(
        label=_("Mật khẩu của bạn"), required=False, strip=False,
        help_text=_("Để bảo đảm chính bạn ra quyết định, hãy nhập lại mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "input input--w12"}),
    )

    def __init__(self, *args, needs_password: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_password = needs_password
        if not needs_password:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if self.needs_password and not password:
            raise ValidationError(_("Nhập mật khẩu của bạn để xác nhận"), code="required")
        return password


class ApproveForm(ReauthenticationMixin, DateOfBirthForm):
    """The approval: the original document checked, and typos corrected by the card rules (the
    date of birth through the citizen's own DateOfBirthForm, optional here)."""

    document_checked = forms.BooleanField(
        label=_("Đã đối chiếu bản gốc giấy tờ tùy thân"),
        help_text=_("Người đến làm thủ tục xuất trình bản gốc giấy tờ đã kê khai, ảnh và thông tin khớp với người đó"),
        error_messages={"required": _("Đối chiếu bản gốc giấy tờ tùy thân với người đến làm thủ tục, rồi đánh dấu ô này")},
    )
    full_name = forms.CharField(
        label=_("Họ và tên đúng"), required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "input"}),
    )
    id_document_number = forms.CharField(
        label=_("Số giấy tờ đúng"), required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "input input--w12",
                                      "autocapitalize": "characters"}),
    )
    field_order = ["document_checked", "full_name", "id_document_number", *DATE_PARTS, "password"]
    error_anchor = {**DateOfBirthForm.error_anchor, "document_checked": "id_document_checked"}

    def __init__(self, *args, declaration: Declaration, **kwargs):
        super().__init__(*args, **kwargs)
        self.declaration = declaration
        for part in DATE_PARTS:  # the officer's browser must not offer the officer's own birthday
            self.fields[part].widget.attrs["autocomplete"] = "off"

    def clean_full_name(self):
        raw = self.cleaned_data["full_name"]
        if not raw.strip():
            return None
        try:
            return names.normalize_full_name(raw)
        except InvalidValue as error:
            raise ValidationError(message_for(error), code=error.code)

    def clean(self):
        if any(self.cleaned_data.get(part) for part in DATE_PARTS):
            cleaned = super().clean()  # DateOfBirthForm reads the three boxes by the card rules
        else:
            cleaned = super(DateOfBirthForm, self).clean()  # no correction of the date: nothing to read
        d = self.declaration
        date_of_birth = cleaned.get("date_of_birth")
        cleaned["date_of_birth"] = date_of_birth
        number = cleaned.get("id_document_number") or ""
        if number.strip():
            try:
                cleaned["id_document_number"] = identity.normalize_id_document(
                    d.id_document_type, number, date_of_birth=date_of_birth or d.date_of_birth, sex=d.sex or None)
            except InvalidValue as error:
                self.add_rule_error("id_document_number", error)
        else:
            cleaned["id_document_number"] = None
            if date_of_birth and d.id_document_type == Declaration.DocumentType.CCCD:
                # A corrected date of birth must still agree with the CCCD number (its digits 4–6).
                try:
                    identity.check_cccd_agrees_with_holder(d.id_document_number, date_of_birth=date_of_birth)
                except InvalidValue as error:
                    self.add_rule_error("dob_day", error)
        return cleaned

    def corrections(self) -> dict:
        """Corrected values that differ from the declared ones."""
        c = self.cleaned_data
        wanted = {"full_name": c.get("full_name"), "id_document_number": c.get("id_document_number"),
                  "date_of_birth": c.get("date_of_birth")}
        return {k: v for k, v in wanted.items() if v is not None and v != getattr(self.declaration, k)}


class RejectForm(ReauthenticationMixin, CitizenForm):
    reason = forms.ChoiceField(
        label=_("Lý do từ chối"), choices=Decision.Reason.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Chọn lý do từ chối")},
    )
    reason_text = forms.CharField(
        label=_("Giải thích cho người kê khai"), max_length=1000,
        help_text=_("Nội dung này được gửi cho người kê khai (mẫu 01/TB-GDĐT). Nói rõ họ cần làm gì tiếp theo."),
        widget=forms.Textarea(attrs={"rows": 4, "class": "input"}),
        error_messages={"required": _("Viết lời giải thích cho người kê khai"),
                        "max_length": _("Lời giải thích tối đa 1000 ký tự")},
    )
    error_anchor = {"reason": "id_reason_0"}


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, office):
        # Local offices of different provinces can share a commune's name: the code tells them apart.
        return f"{office.code} – {office.name}"


class OfficerCreateForm(CitizenForm):
    username = forms.RegexField(
        label=_("Tên đăng nhập"), max_length=150, regex=r"^[a-z0-9._-]{3,150}$",
        help_text=_("Chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới; ít nhất 3 ký tự"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none",
                                      "class": "input input--w12"}),
        error_messages={"required": _("Nhập tên đăng nhập"),
                        "invalid": _("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới")},
    )
    full_name = forms.CharField(
        label=_("Họ và tên cán bộ"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "input"}),
        error_messages={"required": _("Nhập họ và tên cán bộ")},
    )
    office = OfficeChoiceField(
        label=_("Cơ quan BHXH"), queryset=Office.objects.order_by("code"), to_field_name="code",
        empty_label=_("Chọn cơ quan"),
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"required": _("Chọn cơ quan của cán bộ"), "invalid_choice": _("Chọn một cơ quan trong danh sách")},
    )
    role = forms.ChoiceField(
        label=_("Vai trò"), choices=OfficerProfile.Role.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Chọn vai trò")},
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"), strip=False,
        help_text=_("Ít nhất 12 ký tự, không phải toàn số, không giống tên đăng nhập, không phải mật khẩu phổ biến"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "input input--w12"}),
        error_messages={"required": _("Nhập mật khẩu")},
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "class": "input input--w12"}),
        error_messages={"required": _("Nhập lại mật khẩu")},
    )
    error_anchor = {"role": "id_role_0"}

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(_("Hai mật khẩu không giống nhau"), code="mismatch"))
        elif first:
            from django.contrib.auth import get_user_model

            probe = get_user_model()(username=cleaned.get("username", ""), first_name=cleaned.get("full_name", ""))
            try:
                officers.validate_officer_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
