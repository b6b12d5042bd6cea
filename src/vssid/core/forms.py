"""The base of every citizen-facing form: server-side rules from `vssid.cards`, messages that say
what to do, and the attributes an error summary and a screen reader need."""
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext

from django.utils import timezone
from django.utils.translation import gettext_lazy

from vssid.cards import dates, names
from vssid.cards.errors import InvalidValue
from vssid.cards.messages import MESSAGES


def message_for(error: InvalidValue) -> str:
    """The citizen-facing text of a rule's error, in the active language."""
    return error.render(gettext)


def _rule_message(code: str) -> str:
    return gettext(MESSAGES[code])


# A catalogued message of the card rules, for Django's own checks (a required field left empty), so
# the same problem reads the same whether Django or a card rule noticed it.
rule_message = lazy(_rule_message, str)


class CitizenForm(forms.Form):
    """Marks invalid fields for assistive technology and lists errors for the summary.

    `error_anchor` maps a field to the input the summary should link to (for a group of inputs, its
    first one).
    """

    error_anchor: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}-hint")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                described = widget.attrs.get("aria-describedby", "")
                widget.attrs["aria-describedby"] = f"{described} id_{name}-error".strip()

    def add_rule_error(self, field: str | None, error: InvalidValue) -> None:
        # The rule's code travels with the message: a page shows only the message, the JSON API
        # answers the code too (form.errors.as_data()).
        self.add_error(field, forms.ValidationError(message_for(error), code=error.code))

    def summary(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs in the order the fields appear on the page."""
        items = []
        for name in list(self.fields) + ["__all__"]:
            for message in self.errors.get(name, []):
                anchor = self.error_anchor.get(name, f"id_{name}" if name != "__all__" else "main")
                items.append((anchor, message))
        return items


class CodeChoiceField(forms.ChoiceField):
    """A choice among reference codes (a province, a commune): checked against a set of codes, its
    labelled choices (a callable) built only when the field is rendered.

    Django's ChoiceField normalises its whole list whenever a form is built and scans it to check a
    value, and the step pages build the province and address forms on every request to re-check
    earlier answers (declarations/steps.py): with the 126 communes of Hà Nội that was a large share
    of a step page's work (bench/registration_load.py).
    """

    def __init__(self, *, codes=frozenset(), **kwargs):
        super().__init__(**kwargs)
        self.codes = codes

    def valid_value(self, value) -> bool:
        return value in self.codes


def digits_field(**kwargs) -> forms.CharField:
    """A code typed by hand: numeric keyboard, no spellcheck; spaces, dots and dashes allowed."""
    attrs = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off", "class": "input"}
    attrs.update(kwargs.pop("attrs", {}))
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **kwargs)


# A wrong or missing part of a date is marked on that input; other date errors on the day.
_DATE_PART_FOR_CODE = {
    "date_month_missing": "dob_month",
    "date_month_invalid": "dob_month",
    "date_year_missing": "dob_year",
    "date_year_format": "dob_year",
}


def _date_part(label, token, width, maxlength):
    return digits_field(label=label, required=False,
                        attrs={"autocomplete": token, "class": f"input {width}", "maxlength": maxlength,
                               "aria-describedby": "dob-hint"})


class DateOfBirthForm(CitizenForm):
    """A date of birth as three inputs (ngày, tháng, năm), read by the card rules into
    ``cleaned_data["date_of_birth"]``. Render with ``core/forms/date_of_birth.html``."""

    dob_day = _date_part(gettext_lazy("Ngày"), "bday-day", "input--w2", "2")
    dob_month = _date_part(gettext_lazy("Tháng"), "bday-month", "input--w2", "2")
    dob_year = _date_part(gettext_lazy("Năm"), "bday-year", "input--w4", "4")
    error_anchor = {"dob_day": "id_dob_day", "dob_month": "id_dob_month", "dob_year": "id_dob_year"}

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["date_of_birth"] = dates.parse_date_of_birth(
                cleaned.get("dob_day", ""), cleaned.get("dob_month", ""), cleaned.get("dob_year", ""),
                today=timezone.localdate(),
            )
        except InvalidValue as error:
            self.add_rule_error(_DATE_PART_FOR_CODE.get(error.code, "dob_day"), error)
        return cleaned


class FullNameForm(CitizenForm):
    """A full name read by the card rules (letters and Vietnamese diacritics, NFC, 2–100 characters).
    A form says what to type under the box with ``full_name_hint``."""

    full_name = forms.CharField(
        label=gettext_lazy("Họ và tên"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false", "class": "input"}),
        error_messages={"required": rule_message("full_name_required")},
    )
    full_name_hint = gettext_lazy("Như trên giấy tờ tùy thân, có dấu")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].help_text = self.full_name_hint
        self.fields["full_name"].widget.attrs.setdefault("aria-describedby", "id_full_name-hint")

    def clean_full_name(self):
        try:
            return names.normalize_full_name(self.cleaned_data["full_name"])
        except InvalidValue as error:
            raise forms.ValidationError(message_for(error), code=error.code)
