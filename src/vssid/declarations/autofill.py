"""Filling the declaration from a scanned card (BHYT or CCCD QR code).

A card proposes answers; the citizen confirms them. Nothing the citizen typed is overwritten
without their say: a proposal that differs from a stored answer starts unticked and shows both.
"""
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from vssid.cards.errors import InvalidValue
from vssid.cards.names import display_name, normalize_full_name
from vssid.places.addresses import match_address
from vssid.places.models import Commune, Province

from .models import Declaration

# Which step each answer belongs to, so it is stored through that step (and its clears apply).
STEP_OF_FIELD = {
    "full_name": "personal", "date_of_birth": "personal", "sex": "personal",
    "social_insurance_number": "social-insurance-number",
    "id_document_type": "id-document", "id_document_number": "id-document",
    "address_province_id": "province",
    "address_commune_id": "address", "address_street": "address",
}


@dataclass
class Proposal:
    """One answer read from a card. ``group`` ties answers that only make sense together."""

    group: str
    label: str
    shown: str  # the card's value, as a person reads it
    current: str  # the stored answer, as a person reads it ("" when none)
    answers: dict  # model field → value
    candidates: list[tuple[str, str]] | None = None  # an old ward split among communes: pick one

    @property
    def differs(self) -> bool:
        return bool(self.current) and self.current != self.shown

    @property
    def preselected(self) -> bool:
        return not self.differs


def proposals_from_card(card: dict, declaration: Declaration) -> list[Proposal]:
    """What a parsed card (its JSON form, as `vssid card parse` prints it) would fill in."""
    proposals = []
    d = declaration
    name = _valid_name(card.get("full_name"))
    if name:
        proposals.append(Proposal("full_name", _("Họ và tên"), display_name(name),
                                  display_name(d.full_name) if d.full_name else "", {"full_name": name}))
    dob = card.get("date_of_birth") or ""
    if len(dob) == 10:  # a BHYT record may carry only the year: not enough to fill the date
        born = date.fromisoformat(dob)
        proposals.append(Proposal("date_of_birth", _("Ngày sinh"), born.strftime("%d/%m/%Y"),
                                  d.date_of_birth.strftime("%d/%m/%Y") if d.date_of_birth else "",
                                  {"date_of_birth": born}))
    if card.get("sex"):
        labels = dict(Declaration.Sex.choices)
        proposals.append(Proposal("sex", _("Giới tính"), str(labels[card["sex"]]),
                                  str(labels.get(d.sex, "")) if d.sex else "", {"sex": card["sex"]}))
    if card.get("social_insurance_number"):
        proposals.append(Proposal("social_insurance_number", _("Mã số BHXH"), card["social_insurance_number"],
                                  d.social_insurance_number, {"social_insurance_number": card["social_insurance_number"]}))
    if card.get("kind") == "cccd" and card.get("id_number"):
        current = f"{d.get_id_document_type_display()}: {d.id_document_number}" if d.id_document_number else ""
        shown = f"{Declaration.DocumentType.CCCD.label}: {card['id_number']}"
        proposals.append(Proposal("id_document", _("Giấy tờ tùy thân"), shown, current,
                                  {"id_document_type": "cccd", "id_document_number": card["id_number"]}))
    if card.get("kind") == "cccd" and card.get("address"):
        address = _address_proposal(card["address"], d)
        if address is not None:
            proposals.append(address)
    return proposals


def _valid_name(raw: str | None) -> str | None:
    try:
        return normalize_full_name(raw) if raw else None
    except InvalidValue:  # a card's name the form would refuse is left for the citizen to type
        return None


def _address_proposal(text: str, d: Declaration) -> Proposal | None:
    match = match_address(text)
    if match.province_code is None:
        return None
    province = Province.objects.filter(code=match.province_code).first()
    if province is None:
        return None
    answers = {"address_province_id": province.code, "address_street": match.street}
    candidates = None
    commune = Commune.objects.filter(code=match.commune_code).first() if match.commune_code else None
    if commune is not None:
        answers["address_commune_id"] = commune.code
    elif match.is_ambiguous:
        candidates = [(c.code, c.name) for c in Commune.objects.filter(code__in=match.candidate_commune_codes)]
    parts = [match.street, commune.name if commune else "", province.name]
    current = ", ".join(p for p in [d.address_street, d.address_commune.name if d.address_commune_id else "",
                                    d.address_province.name if d.address_province_id else ""] if p)
    return Proposal("address", _("Địa chỉ"), ", ".join(p for p in parts if p), current, answers, candidates)


def read_card(*, text: str | None, photo) -> tuple[dict | None, str | None]:
    """The first card found in what was sent (its JSON form), or why none was found."""
    from vssid.cards.qr import parse_card_qr
    from vssid.core.forms import message_for

    if text:
        try:
            return parse_card_qr(text).to_json_dict(), None
        except InvalidValue as error:
            return None, message_for(error)
    if photo is None:
        return None, str(_("Chọn hoặc chụp ảnh mặt có mã QR của thẻ BHYT hoặc thẻ căn cước"))
    from vssid.photos.qr_scan import scan_photo

    result = scan_photo(photo)
    if result.error:
        return None, result.error
    for code in result.codes:
        if code.card is not None:
            return code.card, None
    if result.codes:
        return None, result.codes[0].error or str(_("Mã QR này không phải của thẻ BHYT hoặc thẻ căn cước"))
    return None, str(NO_CODE_FOUND)


NO_CODE_FOUND = _("Không đọc được mã QR. Hãy chụp lại: để mã QR chiếm phần lớn khung hình, tránh lóa đèn, "
                  "giữ máy thật chắc.")


def chosen_answers(proposals: list[Proposal], data) -> tuple[dict, str | None]:
    """The answers of the proposals the citizen ticked; a split ward needs their pick."""
    answers: dict = {}
    for proposal in proposals:
        if data.get(f"use_{proposal.group}") != "on":
            continue
        answers.update(proposal.answers)
        if proposal.candidates:
            picked = data.get("commune", "")
            if picked not in {code for code, _name in proposal.candidates}:
                return {}, str(_("Chọn xã/phường mới của địa chỉ trên thẻ"))
            answers["address_commune_id"] = picked
    return answers, None
