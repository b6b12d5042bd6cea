"""What the desk's pages show: rows, the registry comparison, warning texts, form layouts."""
from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vssid.cards.names import display_name
from vssid.cards.phones import format_mobile_national
from vssid.declarations import presenters as declaration_presenters
from vssid.declarations.models import Declaration
from vssid.declarations.reference import format_reference_code
from vssid.photos.models import Photo

from .forms import DATE_PARTS
from .selectors import RegistryComparison, Warning

Row = declaration_presenters.Row
Section = declaration_presenters.Section


def declaration_sections(d: Declaration) -> list[Section]:
    """Every field: the citizen's own check-answers sections, plus what the office needs."""
    sections = declaration_presenters.check_answer_sections(d)
    for section in sections:
        for row in section.rows:
            row.change_url = None  # answers are corrected at approval, never edited here
    status = Row(_("Trạng thái"), d.get_status_display(), None, "")
    file_rows = [
        Row(_("Mã hồ sơ"), format_reference_code(d.reference_code), None, "") if d.reference_code else None,
        status,
        # localtime: formats print an aware datetime as stored (UTC); officers read Vietnam's clock.
        Row(_("Gửi lúc"), date_format(timezone.localtime(d.submitted_at), "H:i d/m/Y"), None, "")
        if d.submitted_at else None,
        Row(_("Hạn đến cơ quan"), date_format(d.visit_due_date, "d/m/Y"), None, "") if d.visit_due_date else None,
        Row(_("Cách kê khai"), _("Kê khai hộ tại quầy") if d.assisted else _("Người dân tự kê khai"), None, ""),
    ]
    return [Section(_("Hồ sơ"), [r for r in file_rows if r is not None]), *sections]


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    declared: str
    recorded: str
    differs: bool


def comparison_rows(d: Declaration, comparison: RegistryComparison) -> list[ComparisonRow]:
    person = comparison.person
    if person is None:
        return []
    born = str(person.date_of_birth.year) if person.birth_year_only else date_format(person.date_of_birth, "d/m/Y")
    rows = [
        ("full_name", _("Họ và tên"), display_name(d.full_name), display_name(person.full_name)),
        ("date_of_birth", _("Ngày sinh"), date_format(d.date_of_birth, "d/m/Y") if d.date_of_birth else "", born),
        ("sex", _("Giới tính"), d.get_sex_display(), person.get_sex_display()),
        ("id_document_number", _("Số giấy tờ"), d.id_document_number, person.id_number or "—"),
        ("mobile_phone", _("Số điện thoại"), format_mobile_national(d.mobile_phone) if d.mobile_phone else "",
         format_mobile_national(person.phone) if person.phone else "—"),
    ]
    return [ComparisonRow(label, declared, recorded, name in comparison.differs)
            for name, label, declared, recorded in rows]


_FIELD_LABELS = {
    "full_name": _("họ và tên"), "date_of_birth": _("ngày sinh"), "sex": _("giới tính"),
    "id_document_number": _("số giấy tờ"), "mobile_phone": _("số điện thoại"),
    "social_insurance_number": _("mã số BHXH"),
}


def warning_text(warning: Warning) -> str:
    code = warning.code
    if code == "registry_not_loaded":
        return str(_("Chưa có dữ liệu người tham gia BHXH để đối chiếu: kiểm tra mã số BHXH theo cách thông thường."))
    if code == "registry_unknown_number":
        return str(_("Không có mã số BHXH này trong cơ sở dữ liệu BHXH."))
    if code.startswith("registry_"):
        return str(_("Khác với cơ sở dữ liệu BHXH: %(field)s.") % {"field": _FIELD_LABELS[warning.field]})
    if code.startswith("account_"):
        return str(_("Đã có tài khoản giao dịch điện tử với cùng %(field)s.") % {"field": _FIELD_LABELS[warning.field]})
    return ngettext(
        "%(count)d tờ khai khác đang chờ duyệt có cùng %(field)s.",
        "%(count)d tờ khai khác đang chờ duyệt có cùng %(field)s.",
        warning.count,
    ) % {"count": warning.count, "field": _FIELD_LABELS[warning.field]}


PHOTO_LABELS = {kind.value: kind.label for kind in Photo.Kind}


def photo_kinds() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in Photo.Kind]


# Forms of the assisted registration, laid out from the citizen's own step forms --------------------

@dataclass(frozen=True)
class FormItem:
    kind: str  # "field", "radios", "checkbox", "date"
    field: object = None  # a BoundField; for "date", the day's


def form_layout(form: forms.Form) -> list[FormItem]:
    items = []
    for bound in form:
        if bound.is_hidden or bound.name in DATE_PARTS[1:]:
            continue
        widget = bound.field.widget
        if bound.name == DATE_PARTS[0]:
            items.append(FormItem("date", bound))
        elif isinstance(widget, forms.RadioSelect):
            items.append(FormItem("radios", bound))
        elif isinstance(widget, forms.CheckboxInput):
            items.append(FormItem("checkbox", bound))
        else:
            items.append(FormItem("field", bound))
    return items


def assisted_sections(d: Declaration) -> list[Section]:
    """The citizen's check-answers sections, each "Thay đổi" link leading to the desk's own step."""
    sections = declaration_presenters.check_answer_sections(d)
    for section in sections:
        for row in section.rows:
            row.change_url = assisted_step_url(d, _slug_of(row.change_url))
    return sections


def _slug_of(citizen_url: str | None) -> str | None:
    if not citizen_url:
        return None
    try:
        match = resolve(citizen_url.split("?", 1)[0])
    except Resolver404:
        return None
    return match.kwargs.get("slug") or match.url_name


def assisted_step_url(d: Declaration, slug: str | None) -> str | None:
    if slug is None:
        return None
    return reverse("desk:assisted-step", kwargs={"pk": d.pk, "slug": slug}) + "?next=check"
