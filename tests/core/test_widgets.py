"""PlainSelect renders what Django's Select renders, only without a template per option."""
import re

import pytest
from django import forms

from vssid.core.widgets import PlainSelect

FLAT = [("", "Chọn tỉnh/thành phố"), ("01", "Thành phố Hà Nội"), ("79", "Thành phố Hồ Chí Minh"), ("12", "A & B <c>")]
GROUPED = [("", "Chọn cơ quan khác"), ("Hà Nội", [("7", "BHXH Ba Đình"), ("8", "BHXH \"Hoàn Kiếm\"")]),
           ("Huế", [("9", "BHXH Huế")])]


def _normalised(html: str) -> str:
    # Django's templates put options on their own lines with indentation; the browser sees the same.
    return re.sub(r"\s*\n\s*", "", html)


@pytest.mark.parametrize("choices", [FLAT, GROUPED], ids=["flat", "grouped"])
@pytest.mark.parametrize("value", [None, "", "79", "8", 9])
def test_same_markup_as_djangos_select(choices, value):
    attrs = {"class": "select", "autocomplete": "address-level1", "id": "id_x"}
    ours = PlainSelect(attrs=attrs, choices=choices).render("x", value)
    djangos = forms.Select(attrs=attrs, choices=choices).render("x", value)
    assert _normalised(ours) == _normalised(djangos)


def test_labels_and_values_are_escaped():
    html = PlainSelect(choices=FLAT).render("x", None)
    assert "A &amp; B &lt;c&gt;" in html and "<c>" not in html
    assert "&quot;Hoàn Kiếm&quot;" in PlainSelect(choices=GROUPED).render("x", None)
