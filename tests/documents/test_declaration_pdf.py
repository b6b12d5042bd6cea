"""The tờ khai PDF: one A4 page, every answer printed literally, a scannable reference code."""
import datetime
import io
import re
import threading

import pypdf
import pypdfium2
import pytest
import typst
import zxingcpp
from pypdf.generic import ContentStream

from vssid.declarations import documents
from vssid.declarations.documents import DeclarationNotSubmitted, declaration_pdf_data, render_declaration_pdf
from vssid.declarations.reference import normalize_reference_code

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)


def page_text(pdf: bytes) -> str:
    """The page's text with runs of whitespace (line breaks included) collapsed to one space."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    # A line broken after a dash within a word ("13:00–|17:00") had no space there.
    text = re.sub(r"(?<=\w[–-])\s+", "", text)
    return re.sub(r"\s+", " ", text)


def glyph_codes(pdf: bytes) -> list[int]:
    """Every glyph id the page shows. typst writes Type0/Identity-H fonts: 2 bytes per glyph."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        assert (font["/Subtype"], font["/Encoding"]) == ("/Type0", "/Identity-H")
    codes = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tj":
            strings = [operands[0]]
        elif operator == b"TJ":
            strings = [item for item in operands[0] if not isinstance(item, (int, float))]
        else:
            continue
        for string in strings:
            raw = string.original_bytes if hasattr(string, "original_bytes") else bytes(string)
            codes += [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]
    return codes


def decode_qr_codes(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil().convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_pdf_is_one_a4_page(make_declaration):
    pdf = render_declaration_pdf(make_declaration())

    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_POINTS


def test_the_pdf_prints_the_form_and_every_answer(make_declaration):
    declaration = make_declaration()

    text = page_text(render_declaration_pdf(declaration))

    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Mẫu 01/ĐK-GD",
        "TỜ KHAI ĐĂNG KÝ SỬ DỤNG PHƯƠNG THỨC GIAO DỊCH ĐIỆN TỬ TRONG LĨNH VỰC BẢO HIỂM XÃ HỘI",
        "Kính gửi: Bảo hiểm xã hội cơ sở Bến Thành Thử",
        "NGUYỄN THỊ ÁNH TUYẾT",  # upper case, diacritics kept
        "0123456789",
        "15/03/1990",
        "001190012345",
        "Số 12 ngõ 34 phố Huỳnh Thúc Kháng, Phường Bến Thành Thử, Thành phố Thử Nghiệm",
        "0912 345 678",  # national format, not +84
        "tuyet.nguyen@example.vn",
        "Số 117 đường Nguyễn Đình Chiểu, Phường Bến Thành Thử, Thành phố Thử Nghiệm",
        "NGƯỜI KÊ KHAI",
        "(Ký, ghi rõ họ tên)",
        "Nguyễn Thị Ánh Tuyết",
        "K7Q4-M2XA-9E",
        "05/08/2025",
        "mang theo bản gốc giấy tờ tùy thân",
        "Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:00–17:00",
    ]:
        assert expected in text, expected
    assert "+84" not in text


def test_the_submission_date_is_the_date_in_vietnam(make_declaration):
    # 17:30 UTC on 5 July is 00:30 on 6 July in Hà Nội.
    declaration = make_declaration(submitted_at=datetime.datetime(2025, 7, 5, 17, 30, tzinfo=datetime.UTC))

    text = page_text(render_declaration_pdf(declaration))

    assert "Thử Nghiệm, ngày 06 tháng 07 năm 2025" in text
    assert "00:30 ngày 06/07/2025" in text


def test_the_qr_code_carries_the_reference_code_only(make_declaration):
    declaration = make_declaration()

    decoded = decode_qr_codes(render_declaration_pdf(declaration))

    assert decoded == ["K7Q4M2XA9E"]
    assert normalize_reference_code(decoded[0]) == declaration.reference_code


def test_answers_that_look_like_typst_markup_print_literally(make_declaration):
    name = "Lê #set page(width: 1cm) ] *Đậm* $x^2$ _nghiêng_ @nhan <nhan> // chú thích"
    declaration = make_declaration(
        full_name=name,
        address_street="Số 7 ] #\" \\ ngõ `Lò Đúc`",
        reference_code="M2XA9010K$",  # a check symbol that is typst's maths delimiter
    )

    pdf = render_declaration_pdf(declaration)
    text = page_text(pdf)

    assert name.upper() in text
    assert name in text
    assert "Số 7 ] #\" \\ ngõ `Lò Đúc`" in text
    assert "M2XA-9010-K$" in text
    assert decode_qr_codes(pdf) == ["M2XA9010K$"]
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_every_glyph_exists_in_be_vietnam_pro(make_declaration):
    declaration = make_declaration(full_name="Đặng Thị Huyền Trân Ỷ Ỹ Ự Ữ Ẵ Ẳ")

    pdf = render_declaration_pdf(declaration)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = {f.get_object()["/BaseFont"].split("+")[-1] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all(f.startswith("BeVietnamPro-") for f in fonts), fonts
    codes = glyph_codes(pdf)
    assert codes and 0 not in codes  # glyph 0 is .notdef: a "tofu" box
    assert "ĐẶNG THỊ HUYỀN TRÂN Ỷ Ỹ Ự Ữ Ẵ Ẳ" in page_text(pdf)


def test_the_tofu_detector_sees_a_missing_glyph():
    # The test above is only worth something if a missing glyph shows up as glyph 0.
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(documents.FONT_DIR)])
    pdf = typst.Compiler(font_paths=fonts).compile(input='#set text(font: "Be Vietnam Pro")\nViệt 中'.encode())

    assert 0 in glyph_codes(pdf)


def test_the_longest_answers_still_fit_on_one_page(make_declaration, test_office):
    test_office.name = ("Bảo hiểm xã hội cơ sở " + "Đống Đa Hoàn Kiếm " * 12)[:200]
    test_office.address = ("Số 8 phố " + "Trần Hữu Tước " * 25)[:300]
    test_office.opening_hours = ("Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:30–16:30; " * 5)[:200]
    test_office.save()
    declaration = make_declaration(
        full_name=("Tôn Nữ Hoàng Thị Phương Thảo " * 4)[:100],
        address_street=("Số 123/45/67 hẻm " + "đường Nguyễn Thị Minh Khai " * 8)[:200],
        email="a" * 64 + "@" + "b" * 185 + ".vn",
    )

    pdf = render_declaration_pdf(declaration)

    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "MÃ HỒ SƠ K7Q4-M2XA-9E" in page_text(pdf)  # the end of the form is still there
    assert decode_qr_codes(pdf) == ["K7Q4M2XA9E"]


def test_rendering_again_reuses_the_compiler_and_gives_the_same_bytes(make_declaration):
    first = make_declaration()
    second = make_declaration(full_name="Trần Văn Bình", reference_code="M2XA9025K$", social_insurance_number="9876543210")

    one = render_declaration_pdf(first)
    compiler = documents._compiler
    two = render_declaration_pdf(second)
    again = render_declaration_pdf(first)

    assert compiler is not None and documents._compiler is compiler
    assert one == again  # the PDF's date is the submission time, so re-rendering is reproducible
    assert "TRẦN VĂN BÌNH" in page_text(two) and "TRẦN VĂN BÌNH" not in page_text(one)


def test_threads_rendering_at_once_each_get_their_own_pdf(make_declaration):
    names = ["Phạm Minh Châu", "Hoàng Đức Anh", "Vũ Thị Lan", "Đỗ Quang Huy"]
    declarations = [
        make_declaration(full_name=name, reference_code=code)
        for name, code in zip(names, ["M2XA9025K$", "M2XA9033K*", "M2XA9040K=", "M2XA9063K~"])
    ]
    for declaration in declarations:  # load the related rows here: the threads must not query
        declaration_pdf_data(declaration)
    results: dict[str, bytes] = {}
    errors: list[BaseException] = []

    def render(declaration):
        try:
            for _ in range(5):
                results[declaration.full_name] = render_declaration_pdf(declaration)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=render, args=(d,)) for d in declarations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    for name in names:
        text = page_text(results[name])
        assert name.upper() in text
        assert [other for other in names if other != name and other.upper() in text] == []


def test_a_draft_has_no_pdf(make_declaration):
    draft = make_declaration(status="draft", reference_code=None, submitted_at=None, visit_due_date=None)

    with pytest.raises(DeclarationNotSubmitted):
        render_declaration_pdf(draft)


def test_a_declaration_without_email_says_so(make_declaration):
    data = declaration_pdf_data(make_declaration(email="", email_declaration=False))

    assert data["email"] == "" and data["email_declaration"] is False
    assert "(không kê khai)" in page_text(render_declaration_pdf(make_declaration(
        email="", email_declaration=False, reference_code="M2XA9048K*")))
