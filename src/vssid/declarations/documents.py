"""The tờ khai as a PDF (mẫu 01/ĐK-GD), rendered with typst.

The template (``pdf/to_khai.typ``) receives every value through ``sys.inputs`` as one JSON document
and inserts them as plain strings: nothing a citizen typed is ever spliced into typst markup, so a
name containing ``#``, ``]`` or ``$`` prints literally instead of running as code.

Fonts are the Be Vietnam Pro files shipped by the ``fontpkg-be-vietnam-pro`` package, and they are the
only fonts typst sees (no system fonts, not even typst's embedded ones): the PDF looks the same on
every machine, and a missing glyph can never be papered over by a fallback font.
"""
from __future__ import annotations

import json
import threading
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import fontpkg_be_vietnam_pro

from vssid.cards.phones import format_mobile_national
from vssid.declarations.deadlines import VIETNAM
from vssid.declarations.presenters import contact_address
from vssid.declarations.reference import format_reference_code, reference_qr_svg

if TYPE_CHECKING:
    import typst

    from vssid.declarations.models import Declaration
    from vssid.places.models import Office

TEMPLATE_PATH = Path(__file__).resolve().parent / "pdf" / "to_khai.typ"
FONT_DIR = Path(fontpkg_be_vietnam_pro.__file__).resolve().parent / "files"
FORM_CODE = "Mẫu 01/ĐK-GD"

# One compiler for the process. typst's Compiler keeps its fonts and caches between calls (a second
# render costs ~2 ms instead of ~8 ms), but it is a single mutable Rust object: two threads calling
# compile() at once get "RuntimeError: Already borrowed" (measured), and with sys_inputs being
# per-call state, any interleaving must be ruled out so one citizen's data can never end up in
# another's PDF. Renders are milliseconds long, so a lock costs nothing worth a pool.
_compiler: typst.Compiler | None = None
_template_source: bytes | None = None
_compiler_lock = threading.Lock()


class DeclarationNotSubmitted(ValueError):
    """The PDF describes a submitted declaration; a draft has no reference code, office or due date."""


def pdf_filename(reference_code: str) -> str:
    """``to-khai-K7Q4-M2XA-9R.pdf``; a check symbol ``*`` becomes ``_`` (Windows refuses ``*``)."""
    return f"to-khai-{format_reference_code(reference_code).replace('*', '_')}.pdf"


def render_declaration_pdf(declaration: Declaration) -> bytes:
    """The one-page A4 PDF of a submitted declaration.

    The PDF's creation date is the submission time, so rendering the same declaration again (the
    download, the email attachment) gives byte-identical output.
    """
    data = declaration_pdf_data(declaration)
    sys_inputs = {"data": json.dumps(data, ensure_ascii=False)}
    with _compiler_lock:
        compiler, source = _get_compiler()
        # input= on every call: a compiler constructed from bytes fails on its second compile.
        pdf = compiler.compile(
            input=source, format="pdf", sys_inputs=sys_inputs, timestamp=declaration.submitted_at.replace(microsecond=0)
        )
    assert isinstance(pdf, bytes)
    return pdf


def declaration_pdf_data(declaration: Declaration) -> dict:
    """Everything the template prints, as JSON-ready strings and booleans."""
    if not (declaration.reference_code and declaration.submitted_at and declaration.visit_due_date
            and declaration.office_id):
        raise DeclarationNotSubmitted("Only a submitted declaration has a tờ khai PDF.")
    office = declaration.office
    submitted_local = declaration.submitted_at.astimezone(VIETNAM)
    full_name = unicodedata.normalize("NFC", declaration.full_name)
    return {
        "form_code": FORM_CODE,
        "reference_code": format_reference_code(declaration.reference_code),
        # The QR carries the code alone: the office desk scans it to pull the declaration up, and a
        # lost printout gives away nothing a URL or personal data would.
        "qr_svg": reference_qr_svg(declaration.reference_code),
        "full_name": full_name,
        # BHXH forms print names in capitals; str.upper() maps every Vietnamese letter (đ → Đ,
        # ễ → Ễ), NFC again so combining marks stay composed.
        "full_name_upper": unicodedata.normalize("NFC", full_name.upper()),
        "social_insurance_number": declaration.social_insurance_number,
        "date_of_birth": _format_date(declaration.date_of_birth),
        "sex": declaration.sex,
        "id_document_type": declaration.id_document_type,
        "id_document_number": declaration.id_document_number,
        "address": contact_address(declaration),
        "mobile_phone": format_mobile_national(declaration.mobile_phone) if declaration.mobile_phone else "",
        "email": declaration.email,
        "email_declaration": bool(declaration.email_declaration),
        "office": {
            "name": office.name,
            "address": office_postal_address(office),
            "opening_hours": office.opening_hours,
        },
        "place_and_date": _place_and_date(declaration, submitted_local),
        "submitted_time": submitted_local.strftime("%H:%M ngày %d/%m/%Y"),
        "visit_due_date": _format_date(declaration.visit_due_date),
    }


def office_postal_address(office: Office) -> str:
    """The office's address with its commune and province, unless the address already names them.

    Office.address is free text from a dataset that is not an official register (see Office): some
    rows may already end in the commune and province, others may be a street alone. Tolerate both.
    """
    address = office.address.strip()
    folded = address.casefold()
    parts = [address]
    for unit in (office.commune, office.province):
        if unit.short_name.casefold() not in folded:
            parts.append(unit.name)
    return ", ".join(p for p in parts if p)


def _format_date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _place_and_date(declaration: Declaration, submitted_local: datetime) -> str:
    # Vietnamese forms open the signature block with where and when they were made. Online, "where"
    # is the citizen's province (where they declared from); the office's province is the fallback.
    province = declaration.address_province if declaration.address_province_id else declaration.office.province
    return (
        f"{province.short_name}, ngày {submitted_local:%d} tháng {submitted_local:%m} "
        f"năm {submitted_local:%Y}"
    )


def _get_compiler() -> tuple[typst.Compiler, bytes]:
    """The process-wide compiler, built on first use (callers hold _compiler_lock)."""
    global _compiler, _template_source
    if _compiler is None:
        # Imported here: typst adds ~13 MB to a process, and most web processes never render a PDF.
        import typst

        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONT_DIR)])
        _template_source = TEMPLATE_PATH.read_bytes()
        _compiler = typst.Compiler(font_paths=fonts, ignore_system_fonts=True)
    assert _template_source is not None
    return _compiler, _template_source
