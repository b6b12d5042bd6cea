"""Form widgets that render without Django's per-option templates."""
import html

from django import forms
from django.utils.safestring import mark_safe


def _escaped(value) -> str:
    """As Django's conditional_escape: text already marked safe stays as it is."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class PlainSelect(forms.Select):
    """A select rendered by string building, with the same markup as Django's (options, and
    optgroups for grouped choices). Django renders each option through its own template: for the
    35 provinces of the look-up page that was the page's largest single cost (bench/lookup.py), and
    the address step lists up to ~170 communes, the office step ~170 offices."""

    def render(self, name, value, attrs=None, renderer=None):
        attributes = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = "" if value is None else str(value)
        # As Django's attrs.html: in order, a True value as a bare attribute, a False one left out.
        parts = ["<select"]
        for key, attribute in attributes.items():
            if attribute is True:
                parts.append(f" {_escaped(key)}")
            elif attribute is not False and attribute is not None:
                parts.append(f' {_escaped(key)}="{_escaped(attribute)}"')
        parts.append(">\n")
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
