"""What the pages show of a declaration: rows, labels, thumbnails and the reference code's QR."""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from vssid.cards.names import display_name
from vssid.cards.phones import format_mobile_national
from vssid.photos.models import Photo

from .models import Declaration
from .reference import format_reference_code

MISSING_PHOTO_MESSAGES = {
    Photo.Kind.PORTRAIT: _("Chọn hoặc chụp ảnh cá nhân"),
    Photo.Kind.ID_FRONT: _("Chọn hoặc chụp ảnh mặt trước giấy tờ"),
    Photo.Kind.ID_BACK: _("Chọn hoặc chụp ảnh mặt sau giấy tờ"),
}
PHOTO_HINTS = {
    Photo.Kind.PORTRAIT: _("Chụp thẳng mặt, đủ sáng, không đeo kính râm hay khẩu trang"),
    Photo.Kind.ID_FRONT: _("Đặt giấy tờ trên nền phẳng, chụp rõ cả bốn góc, không bị lóa"),
    Photo.Kind.ID_BACK: _("Lật giấy tờ lại và chụp mặt sau"),
}


def uploaded_photos(files) -> dict[str, object]:
    """The photo step's uploads (kind → file) among a request's files."""
    return {kind: files[kind.value] for kind in Photo.Kind if kind.value in files}


def photo_step_errors(declaration, refused: dict) -> dict[str, str]:
    """What the photo step tells the citizen after a POST, by kind: each refusal's reason, or, when
    nothing was refused, which of the three photos is still missing."""
    if refused:
        return {kind.value: str(rejection.message) for kind, rejection in refused.items()}
    return {kind.value: str(message) for kind, message in MISSING_PHOTO_MESSAGES.items()
            if getattr(declaration, f"{kind.value}_id") is None}


@dataclass
class PhotoSlot:
    kind: str
    label: str
    hint: str
    accepted: bool
    preview_url: str | None
    error: str | None
    capture: str  # which camera a phone should open


def photo_slots(declaration: Declaration, errors: dict[str, str]) -> list[PhotoSlot]:
    slots = []
    for kind in Photo.Kind:
        accepted = getattr(declaration, f"{kind.value}_id") is not None
        preview = None
        if accepted:
            # The photo id in the query makes a replaced photo's preview fresh without caching tricks.
            preview = reverse("declarations:photo", kwargs={"kind": kind.value}) + f"?v={getattr(declaration, kind.value + '_id')}"
        slots.append(PhotoSlot(
            kind=kind.value, label=kind.label, hint=PHOTO_HINTS[kind], accepted=accepted,
            preview_url=preview, error=errors.get(kind.value),
            capture="user" if kind == Photo.Kind.PORTRAIT else "environment",
        ))
    return slots


def office_search_origin(data, declaration: Declaration) -> tuple[tuple[float, float], bool]:
    """Where to search offices from: the browser's location when the citizen shared it, else the
    commune of the contact address. Returns ((lat, lon), located)."""
    if data is not None:
        try:
            lat, lon = float(data.get("latitude", "")), float(data.get("longitude", ""))
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                return (lat, lon), True
        except ValueError:
            pass
    commune = declaration.address_commune
    return (commune.latitude, commune.longitude), False


@dataclass
class Row:
    label: str
    value: str
    change_url: str | None
    change_label: str


@dataclass
class Section:
    title: str
    rows: list[Row]


def _change(slug: str) -> str:
    return reverse(f"declarations:{slug}") + "?next=check"


def check_answer_sections(d: Declaration) -> list[Section]:
    document = f"{d.get_id_document_type_display()}: {d.id_document_number}"
    address = contact_address(d)

    def row(label, value, slug):
        return Row(label=label, value=value, change_url=_change(slug), change_label=label)

    return [
        Section(_("Thông tin cá nhân"), [
            row(_("Họ và tên"), display_name(d.full_name), "personal"),
            row(_("Ngày sinh"), date_format(d.date_of_birth, "d/m/Y"), "personal"),
            row(_("Giới tính"), d.get_sex_display(), "personal"),
            row(_("Mã số BHXH"), d.social_insurance_number, "social-insurance-number"),
            row(_("Giấy tờ tùy thân"), document, "id-document"),
        ]),
        Section(_("Liên hệ"), [
            row(_("Địa chỉ liên hệ"), address, "province"),
            row(_("Số điện thoại di động"), format_mobile_national(d.mobile_phone), "contact"),
            row(_("Email"), d.email or _("Không có"), "contact"),
        ]),
        Section(_("Cơ quan BHXH tiếp nhận"), [
            row(_("Cơ quan"), f"{d.office.name} – {d.office.address}", "office"),
            row(_("Gửi email tờ khai"), _("Có, đến %(email)s") % {"email": d.email} if d.email_declaration else _("Không"), "office"),
        ]),
    ]


def grouped_reference(declaration: Declaration) -> str:
    return format_reference_code(declaration.reference_code)


def contact_address(declaration: Declaration) -> str:
    parts = [
        declaration.address_street.strip(),
        declaration.address_commune.name if declaration.address_commune_id else "",
        declaration.address_province.name if declaration.address_province_id else "",
    ]
    return ", ".join(p for p in parts if p)
