"""The look-up form: province of birth registration, full name, date of birth, and the ID number or
"no ID document". Every rule comes from `vssid.cards` (through `records.normalize_id_number`)."""
from django import forms
from django.utils.translation import get_language, gettext, gettext_lazy as _

from vssid.cards.errors import InvalidValue
from vssid.core.forms import DateOfBirthForm, FullNameForm
from vssid.core.widgets import PlainSelect
from vssid.places import selectors as places

from .birth_provinces import former_province_names
from .records import normalize_id_number
from .selectors import LookupQuery



# language → (the provinces they were built from, choices): labels with the former provinces cost
# 0.2 ms to build, on every look-up otherwise (bench/lookup.py). Rebuilt when places reloads them.
_province_choices: dict[str, tuple[tuple, list[tuple[str, str]]]] = {}


def province_choices() -> list[tuple[str, str]]:
    """The 34 provinces, each merged one labelled with the old provinces it took in: people know
    their birth province by the name it had when they were born."""
    language = get_language() or ""
    provinces = places.provinces_snapshot()
    cached = _province_choices.get(language)
    if cached is not None and cached[0] is provinces:
        return cached[1]
    choices = [("", gettext("Chọn tỉnh/thành phố"))]
    for province in provinces:
        former = former_province_names(province.code)
        label = province.name
        if len(former) > 1:
            label = gettext("%(province)s (gồm %(former)s cũ)") % {"province": province.name, "former": ", ".join(former)}
        choices.append((province.code, label))
    if provinces:  # never remember an empty list (a database not loaded yet)
        _province_choices[language] = (provinces, choices)
    return choices


class LookupForm(FullNameForm, DateOfBirthForm):
    province = forms.ChoiceField(
        label=_("Tỉnh/thành phố nơi đăng ký khai sinh"),
        help_text=_("Theo tỉnh/thành phố từ 01/07/2025; tỉnh cũ đã sáp nhập được ghi trong ngoặc"),
        error_messages={"required": _("Chọn tỉnh/thành phố nơi bạn được đăng ký khai sinh"),
                        "invalid_choice": _("Chọn một tỉnh/thành phố trong danh sách")},
        widget=PlainSelect(attrs={"class": "select"}),
    )
    id_number = forms.CharField(
        label=_("Số CCCD, CMND hoặc hộ chiếu"),
        required=False,
        help_text=_("Nếu hồ sơ BHXH của bạn còn ghi số CMND cũ, hãy thử với số CMND"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "input input--w12",
                                      "autocapitalize": "characters"}),
    )
    no_id_document = forms.BooleanField(label=_("Tôi không có giấy tờ tùy thân"), required=False)

    full_name_hint = _("Như trên giấy tờ tùy thân; có dấu hay không dấu đều được")
    field_order = ["province", "full_name", "dob_day", "dob_month", "dob_year", "id_number", "no_id_document"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = province_choices()

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("id_number") or "").strip()
        if cleaned.get("no_id_document"):
            if typed:
                self.add_error("id_number", _(
                    "Bạn đã chọn “Tôi không có giấy tờ tùy thân”: hãy xóa số giấy tờ, hoặc bỏ chọn ô đó."
                ))
            cleaned["id_number"] = ""
        elif not typed:
            self.add_error("id_number", _(
                "Nhập số CCCD, CMND hoặc hộ chiếu, hoặc chọn “Tôi không có giấy tờ tùy thân”."
            ))
        else:
            try:
                # The CCCD's digits 4–6 must agree with the year of birth; sex is not asked here.
                cleaned["id_number"] = normalize_id_number(typed, date_of_birth=cleaned.get("date_of_birth"))
            except InvalidValue as error:
                self.add_rule_error("id_number", error)
        return cleaned

    def query(self) -> LookupQuery:
        c = self.cleaned_data
        return LookupQuery(
            province_code=c["province"],
            full_name=c["full_name"],
            date_of_birth=c["date_of_birth"],
            id_number=c["id_number"],
        )

    @classmethod
    def initial_from_declaration(cls, declaration) -> dict:
        """What the draft already says (step 2's name and date of birth, the ID number if given):
        a citizen is asked for a piece of information once."""
        if declaration is None:
            return {}
        dob = declaration.date_of_birth
        return {
            "full_name": declaration.full_name,
            "dob_day": str(dob.day) if dob else "",
            "dob_month": str(dob.month) if dob else "",
            "dob_year": str(dob.year) if dob else "",
            "id_number": declaration.id_document_number,
        }
