"""scan_photo: every QR code in a phone photo of a card, read and parsed, or a reason and a remedy.

The photos are generated (tests/support/card_photos.py): a real QR code made by segno from a
synthetic person's CCCD or BHYT text, on a card, photographed the way phones spoil pictures.
"""
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from tests.support import card_photos, images
from tests.support.card_photos import PHOTO_12MP, CardInPhoto, PhoneLook
from vssid.photos import qr_scan
from vssid.photos.qr_scan import NO_QR_CODE, find_qr_texts, scan_photo

NO_CODE_MESSAGE = (
    "Không đọc được mã QR. Hãy chụp lại: để mã QR chiếm phần lớn khung hình, tránh lóa đèn, giữ máy thật chắc."
)
VSSID = Path(sys.executable).with_name("vssid")


@pytest.fixture(scope="module")
def person():
    return card_photos.person(7)


@pytest.fixture(scope="module")
def cccd_text(person):
    return card_photos.qr_text(person, "cccd")


@pytest.fixture(scope="module")
def bhyt_text(person):
    return card_photos.qr_text(person, "bhyt", seed=7)


@pytest.fixture(scope="module")
def cccd_photo(cccd_text) -> bytes:
    return card_photos.card_photo_jpeg(cccd_text, PhoneLook(rotation=8, tilt=0.03), seed=1)


def assert_reads_person(result, person, kind: str) -> None:
    """Exactly one code, parsed as ``person``'s card of ``kind``."""
    assert result.error is None and result.error_code is None
    assert len(result.codes) == 1
    card = result.codes[0].card
    assert card is not None, result.codes[0].error
    assert card["kind"] == kind
    assert card["full_name"] == person.full_name
    assert card["date_of_birth"] == person.date_of_birth.isoformat()
    if kind == "cccd":
        assert card["id_number"] == person.cccd
    else:
        assert card["social_insurance_number"] == person.social_insurance_number


# --- what a phone does to a photo ----------------------------------------------------------------


def test_a_plain_photo_of_a_cccd_reads_as_its_holder(person, cccd_text, cccd_photo):
    result = scan_photo(cccd_photo)
    assert_reads_person(result, person, "cccd")
    assert result.codes[0].text == cccd_text
    assert result.found_by == "whole"


@pytest.mark.parametrize(
    ("family", "look"),
    [
        ("rotation", PhoneLook(rotation=137)),
        ("upside down", PhoneLook(rotation=181)),
        ("perspective", PhoneLook(rotation=-20, tilt=0.16)),
        ("blur", PhoneLook(rotation=35, blur=1.2)),
        ("glare over the code", PhoneLook(rotation=300, glare=0.85, glare_at=(0.6, 0.6))),
        ("noise and heavy compression", PhoneLook(rotation=60, noise=12, jpeg_quality=55)),
        ("shadow across the card", PhoneLook(rotation=95, light=0.6)),
    ],
)
@pytest.mark.parametrize("kind", ["cccd", "bhyt"])
def test_each_kind_of_phone_damage_still_reads_the_right_person(person, cccd_text, bhyt_text, family, look, kind):
    text = cccd_text if kind == "cccd" else bhyt_text
    photo = card_photos.card_photo_jpeg(text, look, seed=3, kind=kind)
    result = scan_photo(photo)
    assert_reads_person(result, person, kind)
    assert result.codes[0].text == text


def test_a_12_megapixel_photo_with_every_damage_at_once_reads_the_bhyt_text_exactly(person, bhyt_text):
    look = PhoneLook(rotation=222, tilt=0.12, card_width=0.6, light=0.3, glare=0.7, blur=1.0, noise=6, jpeg_quality=80)
    photo = card_photos.card_photo_jpeg(bhyt_text, look, size=PHOTO_12MP, seed=5, kind="bhyt")
    result = scan_photo(photo)
    assert_reads_person(result, person, "bhyt")
    # Byte for byte: the hex fields, the leading space before the 5-year date, the closing "$".
    assert result.codes[0].text == bhyt_text


def test_a_code_too_small_for_the_reduced_copy_is_found_at_full_resolution(person, cccd_text):
    # The card spans 15 % of a 12 MP frame's width: its code (53 modules with the quiet zone) is
    # 138 px wide, 2.6 px a module; in the 2000-px working copy 1.3 px, which no reader resolves,
    # so only a crop at full resolution can read it.
    look = PhoneLook(rotation=15, card_width=0.15)
    photo = card_photos.card_photo_jpeg(cccd_text, look, size=PHOTO_12MP, seed=9)
    result = scan_photo(photo)
    assert_reads_person(result, person, "cccd")
    assert result.found_by != "whole"


def test_the_exif_orientation_of_a_phone_photo_changes_nothing(person, cccd_text):
    look = PhoneLook(rotation=5)
    picture = card_photos.phone_photo(
        [CardInPhoto(card_photos.make_card_with_qr(cccd_text, 960))], look, seed=2
    )
    sideways = card_photos.photo_jpeg(picture.transpose(Image.Transpose.ROTATE_90), look, orientation=6)
    assert_reads_person(scan_photo(sideways), person, "cccd")


def test_two_cards_in_one_photo_give_both_codes(person, cccd_text):
    other = card_photos.person(8)
    other_text = card_photos.qr_text(other, "bhyt", seed=8)
    cards = [
        CardInPhoto(card_photos.make_card_with_qr(cccd_text, 700), centre=(0.27, 0.5)),
        CardInPhoto(card_photos.make_card_with_qr(other_text, 700, kind="bhyt"), centre=(0.73, 0.5), kind="bhyt"),
    ]
    look = PhoneLook(rotation=4, tilt=0.03)
    photo = card_photos.photo_jpeg(card_photos.phone_photo(cards, look, seed=4), look)
    result = scan_photo(photo)
    assert result.error is None
    assert sorted(code.text for code in result.codes) == sorted([cccd_text, other_text])
    cards_read = {code.card["kind"]: code.card for code in result.codes}
    assert cards_read["cccd"]["id_number"] == person.cccd
    assert cards_read["bhyt"]["social_insurance_number"] == other.social_insurance_number


# --- the picture's format ------------------------------------------------------------------------


def test_a_small_png_screenshot_of_a_code_is_read(cccd_text):
    # Uploads refuse pictures under 600 × 400; a scan must not: a screenshot of a code is ideal.
    modules = card_photos.qr_modules(cccd_text)
    screenshot = Image.fromarray((~modules).astype("uint8") * 255, "L").resize((300, 300), Image.Resampling.NEAREST)
    result = scan_photo(images.encode(screenshot, "PNG"))
    assert [code.text for code in result.codes] == [cccd_text]


def test_a_code_drawn_black_on_transparent_is_read_against_white(cccd_text):
    modules = card_photos.qr_modules(cccd_text)
    alpha = Image.fromarray(modules.astype("uint8") * 255, "L").resize((300, 300), Image.Resampling.NEAREST)
    picture = Image.new("RGBA", alpha.size, (0, 0, 0, 0))
    picture.putalpha(alpha)  # black everywhere, opaque only on the dark modules
    result = scan_photo(images.encode(picture, "PNG"))
    assert [code.text for code in result.codes] == [cccd_text]


def test_an_iphone_heic_photo_is_read(person, cccd_text):
    look = PhoneLook(rotation=200, tilt=0.05)
    # Small, because encoding HEIC is slow (6 s at 1600 × 1200); decoding is what is tested.
    card = card_photos.make_card_with_qr(cccd_text, 560)
    picture = card_photos.phone_photo([CardInPhoto(card)], look, size=(800, 600), seed=6)
    assert_reads_person(scan_photo(images.encode(picture, "HEIF", quality=60)), person, "cccd")


def test_a_file_object_is_read_from_its_start_even_if_someone_read_it_before(person, cccd_photo):
    stream = io.BytesIO(cccd_photo)
    stream.read()
    assert_reads_person(scan_photo(stream), person, "cccd")


def test_find_qr_texts_reads_a_picture_already_in_memory(cccd_text, cccd_photo):
    assert find_qr_texts(Image.open(io.BytesIO(cccd_photo))) == [cccd_text]


# --- what comes back when there is nothing to read -----------------------------------------------


def test_a_photo_without_a_code_says_how_to_retake_it():
    result = scan_photo(images.make_card_jpeg(1600, 1000, seed=3))
    assert result.codes == []
    assert result.error_code == NO_QR_CODE
    assert result.error == NO_CODE_MESSAGE


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (images.PDF_BYTES, "wrong_type"),
        (b"hello, this is text\n", "wrong_type"),
        (b"", "empty"),
        (images.truncated(images.make_card_jpeg(), 0.3), "unreadable"),
        (images.png_declaring_size(60_000, 60_000), "too_many_pixels"),
    ],
    ids=["pdf", "text", "empty", "truncated jpeg", "decompression bomb"],
)
def test_a_file_that_is_not_a_usable_picture_is_refused_with_a_reason(data, code):
    result = scan_photo(data)
    assert result.codes == []
    assert result.error_code == code
    assert result.error == qr_scan.MESSAGES[code]
    assert "%(" not in result.error


def test_a_file_over_the_size_limit_is_refused_without_reading_the_rest(cccd_photo):
    stream = io.BytesIO(cccd_photo + b"\0" * 4096)
    result = scan_photo(stream, max_bytes=len(cccd_photo))
    assert result.error_code == "too_large"
    assert f"{len(cccd_photo) / 2**20:.3g} MB" in result.error
    # The web layer renders it again in the page's language from the code and the parameters.
    assert qr_scan.render_message(result.error_code, result.error_params) == result.error
    assert stream.tell() <= len(cccd_photo) + 1


def test_a_code_that_is_not_a_card_is_returned_with_the_reason():
    modules = card_photos.qr_modules("https://baohiemxahoi.gov.vn")
    picture = Image.fromarray((~modules).astype("uint8") * 255, "L").resize((400, 400), Image.Resampling.NEAREST)
    result = scan_photo(images.encode(picture, "PNG"))
    assert result.error is None  # the file was read
    [code] = result.codes
    assert code.text == "https://baohiemxahoi.gov.vn"
    assert code.card is None
    assert code.error_code == "qr_unknown_kind"
    assert code.error


# --- the JSON contract ---------------------------------------------------------------------------


def test_the_json_has_exactly_the_contracted_keys(cccd_photo):
    read = scan_photo(cccd_photo).to_json_dict(file="a.jpg")
    refused = scan_photo(b"not a picture").to_json_dict(file="b.txt")
    assert set(read) == set(refused) == {"file", "codes", "error"}
    assert read["file"] == "a.jpg" and read["error"] is None
    assert set(read["codes"][0]) == {"text", "card", "error"}
    assert read["codes"][0]["card"]["kind"] == "cccd" and read["codes"][0]["error"] is None
    assert refused["codes"] == [] and refused["error"] == qr_scan.MESSAGES["wrong_type"]
    json.dumps([read, refused])  # plain JSON types only


def test_a_scanned_code_keeps_the_persons_data_out_of_its_repr(person, cccd_photo):
    result = scan_photo(cccd_photo)
    for text in (repr(result), repr(result.codes[0])):
        assert person.full_name not in text and person.cccd not in text


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scan_files(tmp_path_factory, cccd_photo, bhyt_text):
    folder = tmp_path_factory.mktemp("scan")
    (folder / "a.jpg").write_bytes(cccd_photo)
    (folder / "b.txt").write_text("not a photo\n")
    (folder / "c.jpg").write_bytes(card_photos.card_photo_jpeg(bhyt_text, PhoneLook(rotation=250), seed=2, kind="bhyt"))
    return folder


def test_the_command_prints_one_json_line_per_file_and_carries_on_after_a_bad_one(scan_files, person):
    result = subprocess.run(
        [str(VSSID), "card", "scan", "a.jpg", "b.txt", "c.jpg"], capture_output=True, cwd=scan_files, timeout=120
    )
    lines = result.stdout.decode("utf-8").splitlines()
    assert [json.loads(line)["file"] for line in lines] == ["a.jpg", "b.txt", "c.jpg"]
    first, second, third = (json.loads(line) for line in lines)
    assert first["error"] is None and first["codes"][0]["card"]["id_number"] == person.cccd
    assert second["codes"] == [] and second["error"] == qr_scan.MESSAGES["wrong_type"]
    assert third["error"] is None
    assert third["codes"][0]["card"]["social_insurance_number"] == person.social_insurance_number
    assert person.full_name in lines[0]  # UTF-8, not \u escapes
    # A file gave no code: the status says so, in one line on standard error.
    assert result.returncode == 1
    assert result.stderr.decode("utf-8").count("\n") == 1


def test_the_command_exits_0_when_every_file_gave_a_code_and_names_a_missing_file(scan_files):
    output = io.StringIO()
    call_command("card", "scan", str(scan_files / "a.jpg"), str(scan_files / "c.jpg"), stdout=output)
    assert len(output.getvalue().splitlines()) == 2

    output = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("card", "scan", str(scan_files / "missing.jpg"), str(scan_files / "a.jpg"), stdout=output)
    assert failure.value.returncode == 1
    missing, found = (json.loads(line) for line in output.getvalue().splitlines())
    assert missing["error"] == qr_scan.MESSAGES[qr_scan.CANNOT_OPEN] and found["error"] is None
