"""Form widgets that render by string building instead of Django's templates, with the same markup.

Django renders every widget through a template, and a select through one more template per option.
The templates of the four inputs of the personal-details step took 0.5 ms of its 3.5 ms (in one
process; docs/benchmarks.md, “Step pages, side by side”), and for the 35 provinces of the look-up
page the options were the page's largest single cost (bench/lookup.py). tests/core/test_widgets.py
renders both ways and compares.
"""
import html

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

# Django's <input> widgets whose template is nothing but an include of input.html (the test checks
# that this is still so in the installed Django).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "color", "search", "tel", "password", "hidden",
                 "date", "datetime", "time", "checkbox")
)


def _escaped(value) -> str:
    """As Django's conditional_escape: text already marked safe stays as it is."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """As Django's attrs.html: in order, a True value as a bare attribute, a False one left out."""
    parts = []
    for key, attribute in attrs.items():
        if attribute is True:
            parts.append(f" {_escaped(key)}")
        elif attribute is not False:
            parts.append(f' {_escaped(key)}="{_escaped(attribute)}"')
    return "".join(parts)


def input_markup(widget: dict) -> str:
    """An <input> from a widget's template context, as Django's input.html writes it."""
    value = "" if widget["value"] is None else f' value="{_escaped(widget["value"])}"'
    attributes = _attributes(widget["attrs"])
    return f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{value}{attributes}>'


class FormRenderer(DjangoTemplates):
    """Django's form renderer (settings.FORM_RENDERER), except that <input> widgets are built as
    strings; every other template (selects of Django's own, radios, errors…) renders as before."""

    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            return input_markup(context["widget"])
        return super().render(template_name, context, request=request)


class PlainSelect(forms.Select):
    """A select rendered by string building, with the same markup as Django's (options, and
    optgroups for grouped choices): the address step lists up to ~170 communes, the office step
    ~170 offices, each otherwise a template of its own."""

    def render(self, name, value, attrs=None, renderer=None):
        attributes = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = "" if value is None else str(value)
        # None is left out as well: Django would write the word "None", which no caller means.
        parts = ["<select", _attributes({k: v for k, v in attributes.items() if v is not None}), ">\n"]
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):  # (group name, [(value, label), …])
                parts.append(f'<optgroup label="{_escaped(group_value)}">\n')
                parts.extend(self._option(code, label, chosen) for code, label in group_label)
                parts.append("</optgroup>\n")
            else:
                parts.append(self._option(group_value, group_label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))

    @staticmethod
    def _option(code, label, chosen: str) -> str:
        selected = " selected" if str(code) == chosen else ""
        return f'<option value="{_escaped(code)}"{selected}>{_escaped(label)}</option>\n'
