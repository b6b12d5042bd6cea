"""The widgets of core.widgets render what Django's templates render, only without the templates."""
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from vssid.core.widgets import INPUT_TEMPLATES, FormRenderer, PlainSelect

FLAT = [("", "Chọn tỉnh/thành phố"), ("01", "Thành phố Hà Nội"), ("79", "Thành phố Hồ Chí Minh"), ("12", "A & B <c>")]
GROUPED = [("", "Chọn cơ quan khác"), ("Hà Nội", [("7", "BHXH Ba Đình"), ("8", "BHXH \"Hoàn Kiếm\"")]),
           ("Huế", [("9", "BHXH Huế")])]
DJANGOS = DjangoTemplates()


def _normalised(html: str) -> str:
    # Django's templates put options on their own lines with indentation; the browser sees the same.
    return re.sub(r"\s*\n\s*", "", html)


@pytest.mark.parametrize("choices", [FLAT, GROUPED], ids=["flat", "grouped"])
@pytest.mark.parametrize("value", [None, "", "79", "8", 9])
def test_same_markup_as_djangos_select(choices, value):
    attrs = {"class": "select", "autocomplete": "address-level1", "id": "id_x"}
    ours = PlainSelect(attrs=attrs, choices=choices).render("x", value)
    djangos = forms.Select(attrs=attrs, choices=choices).render("x", value, renderer=DJANGOS)
    assert _normalised(ours) == _normalised(djangos)


def test_labels_and_values_are_escaped():
    html = PlainSelect(choices=FLAT).render("x", None)
    assert "A &amp; B &lt;c&gt;" in html and "<c>" not in html
    assert "&quot;Hoàn Kiếm&quot;" in PlainSelect(choices=GROUPED).render("x", None)


def test_the_project_renders_forms_with_its_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)


def test_every_input_template_taken_over_is_only_djangos_input():
    """If a Django release (or a template of the project) gives one of these widgets markup of its
    own, string building would silently drop it: this fails first."""
    include = '{% include "django/forms/widgets/input.html" %}'
    for name in INPUT_TEMPLATES - {"django/forms/widgets/input.html"}:
        assert DJANGOS.get_template(name).template.source.strip() == include, name
    source = DJANGOS.get_template("django/forms/widgets/input.html").template.source
    assert "widget.type" in source and 'include "django/forms/widgets/attrs.html"' in source


INPUTS = [forms.TextInput, forms.EmailInput, forms.NumberInput, forms.PasswordInput, forms.HiddenInput,
          forms.URLInput, forms.SearchInput, forms.TelInput, forms.ColorInput, forms.DateInput,
          forms.DateTimeInput, forms.TimeInput, forms.CheckboxInput]
ATTRS = [
    {},
    {"class": "input input--w12", "autocomplete": "tel", "inputmode": "tel", "type": "tel"},
    {"required": True, "disabled": False, "maxlength": 100, "aria-describedby": "id_x-hint id_x-error"},
    {"placeholder": 'say "A & <B>"', "data-x": mark_safe("<b>kept</b>"), "spellcheck": "false"},
]
VALUES = [None, "", "Nguyễn Văn A", 'a "quoted" <value> & more', 0, 12.5, mark_safe("&amp;"), True]


@pytest.mark.parametrize("widget_class", INPUTS, ids=lambda w: w.__name__)
def test_same_markup_as_djangos_inputs(widget_class):
    for attrs in ATTRS:
        for value in VALUES:
            ours = widget_class(attrs=dict(attrs)).render("full_name", value, attrs={"id": "id_full_name"})
            djangos = widget_class(attrs=dict(attrs)).render("full_name", value, attrs={"id": "id_full_name"},
                                                             renderer=DJANGOS)
            assert ours == djangos, (attrs, value)
            assert ours.startswith("<input ") and ours.endswith(">")


def test_a_form_renders_the_same_either_way():
    class Form(forms.Form):
        name = forms.CharField(help_text="Như trên giấy tờ")
        email = forms.EmailField(required=False)
        agree = forms.BooleanField()
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    bound = Form({"name": "<script>", "email": "x", "kind": "b"})
    assert bound.as_div() != "" and not bound.is_valid()
    assert str(bound) == str(Form({"name": "<script>", "email": "x", "kind": "b"}, renderer=DJANGOS))
    assert "&lt;script&gt;" in str(bound)
