"""Step forms of the declaration. Each rule comes from `vssid.cards`; the forms only carry it to the
page. A form is built from the draft's stored answers too, which is how the step graph re-checks an
earlier answer after a later one changed (a CCCD number after a new date of birth)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vssid.cards import bhxh, emails, identity, phones
from vssid.cards.text import normalize_text
from vssid.cards.errors import InvalidValue
from vssid.core.forms import (
    CitizenForm, CodeChoiceField, DateOfBirthForm, FullNameForm, digits_field, message_for, rule_message,
)
from vssid.core.widgets import PlainSelect
from vssid.places import selectors as places

from .models import Declaration


class StepForm(CitizenForm):
    """A form whose cleaned data maps onto Declaration fields."""

    @classmethod
    def data_from(cls, declaration: Declaration) -> dict:
        """The draft's answers as the form data that would have produced them."""
        raise NotImplementedError


class PersonalForm(FullNameForm, DateOfBirthForm, StepForm):
    sex = forms.ChoiceField(
        label=_("Giới tính"),
        choices=Declaration.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn giới tính")},
    )
    field_order = ["full_name", "dob_day", "dob_month", "dob_year", "sex"]
    error_anchor = {**DateOfBirthForm.error_anchor, "sex": "id_sex_0"}

    @classmethod
    def data_from(cls, d):
        dob = d.date_of_birth
        return {
            "full_name": d.full_name,
            "dob_day": str(dob.day) if dob else "",
            "dob_month": str(dob.month) if dob else "",
            "dob_year": str(dob.year) if dob else "",
            "sex": d.sex,
        }

    def answers(self) -> dict:
        c = self.cleaned_data
        return {"full_name": c["full_name"], "date_of_birth": c["date_of_birth"], "sex": c["sex"]}



class SocialInsuranceNumberForm(StepForm):
    social_insurance_number = digits_field(
        label=_("Mã số BHXH"),
        help_text=_("10 chữ số, in trên thẻ BHYT hoặc sổ BHXH"),
        error_messages={"required": rule_message("social_insurance_number_required")},
        attrs={"class": "input input--w10"},
    )

    def clean_social_insurance_number(self):
        try:
            return bhxh.normalize_social_insurance_number(self.cleaned_data["social_insurance_number"])
        except InvalidValue as error:
            raise forms.ValidationError(message_for(error), code=error.code)

    @classmethod
    def data_from(cls, d):
        return {"social_insurance_number": d.social_insurance_number}

    def answers(self):
        return {"social_insurance_number": self.cleaned_data["social_insurance_number"]}


class IdDocumentForm(StepForm):
    id_document_type = forms.ChoiceField(
        label=_("Loại giấy tờ"),
        choices=Declaration.DocumentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": rule_message("id_document_type")},
    )
    id_document_number = forms.CharField(
        label=_("Số giấy tờ"),
        help_text=_("CCCD: 12 chữ số. CMND: 9 hoặc 12 chữ số. Hộ chiếu: như in trên hộ chiếu"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "input input--w12", "autocapitalize": "characters"}),
        error_messages={"required": _("Nhập số giấy tờ tùy thân")},
    )
    error_anchor = {"id_document_type": "id_id_document_type_0"}

    def __init__(self, *args, declaration: Declaration, **kwargs):
        super().__init__(*args, **kwargs)
        self.declaration = declaration

    def clean(self):
        cleaned = super().clean()
        kind, number = cleaned.get("id_document_type"), cleaned.get("id_document_number")
        if kind and number:
            try:
                cleaned["id_document_number"] = identity.normalize_id_document(
                    kind, number, date_of_birth=self.declaration.date_of_birth, sex=self.declaration.sex or None
                )
            except InvalidValue as error:
                self.add_rule_error("id_document_number", error)
        return cleaned

    @classmethod
    def data_from(cls, d):
        return {"id_document_type": d.id_document_type, "id_document_number": d.id_document_number}

    def answers(self):
        c = self.cleaned_data
        return {"id_document_type": c["id_document_type"], "id_document_number": c["id_document_number"]}


class ProvinceForm(StepForm):
    address_province = CodeChoiceField(
        label=_("Tỉnh/thành phố"),
        help_text=_("Theo đơn vị hành chính mới từ 01/07/2025"),
        error_messages={"required": _("Chọn tỉnh/thành phố nơi bạn ở"),
                        "invalid_choice": _("Chọn một tỉnh/thành phố trong danh sách")},
        widget=PlainSelect(attrs={"autocomplete": "address-level1", "class": "select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["address_province"]
        field.codes = places.province_codes()
        field.choices = lambda: [("", _("Chọn tỉnh/thành phố"))] + [(p.code, p.name) for p in places.list_provinces()]

    @classmethod
    def data_from(cls, d):
        return {"address_province": d.address_province_id or ""}

    def answers(self):
        return {"address_province_id": self.cleaned_data["address_province"]}


class AddressForm(StepForm):
    address_commune = CodeChoiceField(
        label=_("Xã/phường"),
        error_messages={"required": _("Chọn xã/phường nơi bạn ở"),
                        "invalid_choice": _("Chọn một xã/phường của tỉnh/thành phố đã chọn")},
        widget=PlainSelect(attrs={"autocomplete": "address-level2", "class": "select"}),
    )
    address_street = forms.CharField(
        label=_("Số nhà, đường, thôn/xóm"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1", "class": "input"}),
        error_messages={"required": _("Nhập số nhà, tên đường hoặc thôn/xóm"), "max_length": _("Địa chỉ tối đa 200 ký tự")},
    )

    def __init__(self, *args, declaration: Declaration, **kwargs):
        super().__init__(*args, **kwargs)
        province = declaration.address_province_id or ""
        field = self.fields["address_commune"]
        field.codes = places.commune_codes_of(province)
        field.choices = lambda: [("", _("Chọn xã/phường"))] + [(c.code, c.name) for c in places.communes_of(province)]

    def clean_address_street(self):
        return normalize_text(self.cleaned_data["address_street"])

    @classmethod
    def data_from(cls, d):
        return {"address_commune": d.address_commune_id or "", "address_street": d.address_street}

    def answers(self):
        c = self.cleaned_data
        return {"address_commune_id": c["address_commune"], "address_street": c["address_street"]}


class ContactForm(StepForm):
    mobile_phone = forms.CharField(
        label=_("Số điện thoại di động"),
        help_text=_("Mật khẩu sẽ được gửi đến số này bằng tin nhắn"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "class": "input input--w12"}),
        error_messages={"required": rule_message("mobile_required")},
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        help_text=_("Để nhận tờ khai và thông báo của cơ quan BHXH"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "class": "input"}),
    )

    def clean_mobile_phone(self):
        try:
            return phones.normalize_mobile(self.cleaned_data["mobile_phone"])
        except InvalidValue as error:
            raise forms.ValidationError(message_for(error), code=error.code)

    def clean_email(self):
        raw = self.cleaned_data["email"].strip()
        if not raw:
            return ""
        try:
            return emails.normalize_email(raw)
        except InvalidValue as error:
            raise forms.ValidationError(message_for(error), code=error.code)

    @classmethod
    def data_from(cls, d):
        return {"mobile_phone": phones.format_mobile_national(d.mobile_phone) if d.mobile_phone else "", "email": d.email}

    def answers(self):
        return {"mobile_phone": self.cleaned_data["mobile_phone"], "email": self.cleaned_data["email"]}


OFFICE_NOT_RECEIVING = _("Cơ quan này không còn tiếp nhận tờ khai – hãy chọn cơ quan khác")


class OfficeForm(StepForm):
    office = forms.ChoiceField(
        label=_("Cơ quan BHXH tiếp nhận tờ khai"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": OFFICE_NOT_RECEIVING},
    )
    other_office = forms.ChoiceField(
        label=_("Hoặc chọn cơ quan BHXH khác"),
        required=False,
        widget=PlainSelect(attrs={"class": "select"}),
        error_messages={"invalid_choice": OFFICE_NOT_RECEIVING},
    )
    email_declaration = forms.BooleanField(label=_("Gửi email tờ khai cho tôi"), required=False)
    email = forms.CharField(
        label=_("Email nhận tờ khai"),
        required=False,
        help_text=_("Cần điền nếu bạn chọn gửi email tờ khai"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "class": "input"}),
    )
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    error_anchor = {"office": "id_office_0"}

    def __init__(self, *args, nearest, all_offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.nearest = nearest
        self.fields["office"].choices = [(str(o.pk), o.name) for o, _distance in nearest]
        grouped: dict[str, list] = {}
        for office in all_offices:
            grouped.setdefault(office.province.name, []).append((str(office.pk), office.name))
        self.fields["other_office"].choices = [("", _("Chọn cơ quan khác"))] + list(grouped.items())
        self.valid_ids = {str(o.pk) for o in all_offices}

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("other_office") or cleaned.get("office")
        if self.has_error("office") or self.has_error("other_office"):
            pass
        elif not chosen:
            self.add_error("office", forms.ValidationError(_("Chọn cơ quan BHXH nơi bạn sẽ đến làm thủ tục"), code="required"))
        elif chosen not in self.valid_ids:
            self.add_error("office", forms.ValidationError(OFFICE_NOT_RECEIVING, code="invalid_choice"))
        else:
            cleaned["office_id"] = int(chosen)
        raw_email = (cleaned.get("email") or "").strip()
        if cleaned.get("email_declaration") and not raw_email:
            self.add_error("email", forms.ValidationError(
                _("Nhập email để nhận tờ khai, hoặc bỏ chọn “Gửi email tờ khai”"), code="email_required"))
        elif raw_email:
            try:
                cleaned["email"] = emails.normalize_email(raw_email)
            except InvalidValue as error:
                self.add_rule_error("email", error)
        return cleaned

    @classmethod
    def data_from(cls, d):
        return {
            "office": str(d.office_id or ""),
            "email_declaration": "on" if d.email_declaration else "",
            "email": d.email,
        }

    def answers(self):
        c = self.cleaned_data
        return {"office_id": c["office_id"], "email_declaration": c["email_declaration"], "email": c.get("email", "")}

