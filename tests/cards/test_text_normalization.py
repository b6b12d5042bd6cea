"""normalize_text, fold and compact_code: how typed and scanned text becomes comparable."""
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.text import compact_code, fold, is_ascii_digits, normalize_text, unaccent

DECOMPOSED_NGUYEN = unicodedata.normalize("NFD", "Nguyễn")


def test_decomposed_vietnamese_is_stored_precomposed():
    assert len(DECOMPOSED_NGUYEN) > len("Nguyễn")
    assert normalize_text(DECOMPOSED_NGUYEN) == "Nguyễn"
    assert unicodedata.is_normalized("NFC", normalize_text(DECOMPOSED_NGUYEN))


def test_whitespace_is_collapsed_and_trimmed_including_tabs_and_no_break_spaces():
    assert normalize_text("  Trần \t Thị\u00a0\u00a0Bình \n") == "Trần Thị Bình"


def test_scanner_line_endings_become_spaces_so_words_never_merge():
    assert normalize_text("Hà\r\nNội\r\n") == "Hà Nội"


def test_invisible_and_control_characters_are_dropped():
    assert normalize_text("\ufeffBình\u200b\x00\x07") == "Bình"


def test_lone_surrogates_from_undecodable_bytes_are_dropped():
    assert normalize_text("a\udcffb") == "ab"


def test_fold_ignores_case_and_vietnamese_diacritics():
    assert fold("Đặng Thị Ngọc Ánh") == "dang thi ngoc anh"
    assert fold("NGUYỄN VĂN ĐỨC") == fold("nguyen van duc")


def test_fold_maps_d_with_stroke_which_unicode_does_not_decompose():
    assert unicodedata.normalize("NFD", "đ") == "đ"
    assert fold("Đ") == fold("đ") == "d"


def test_fold_reads_the_eth_that_legacy_encodings_produce_for_d_with_stroke():
    assert fold("\u00d0ào") == fold("Đào")


def test_fold_tells_different_names_apart():
    assert fold("Nguyễn Văn An") != fold("Nguyễn Văn Anh")


def test_compact_code_drops_grouping_and_converts_full_width_digits():
    assert compact_code(" 001.190-012 345 ") == "001190012345"
    assert compact_code("０１２３") == "0123"
    assert compact_code(None) == ""


def test_ascii_digits_refuses_other_scripts_digits_and_superscripts():
    assert is_ascii_digits("0123")
    assert not is_ascii_digits("")
    assert not is_ascii_digits("٣")
    assert not is_ascii_digits("²")


@given(st.text())
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text())
def test_normalized_text_is_nfc_without_edge_or_double_spaces(text):
    result = normalize_text(text)
    assert unicodedata.is_normalized("NFC", result)
    assert result == result.strip() and "  " not in result
    assert not any(unicodedata.category(char) in ("Cc", "Cf", "Cs") for char in result)


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONE_MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # huyền, sắc, ngã, hỏi, nặng


@st.composite
def vietnamese_words(draw):
    letters = draw(st.lists(st.sampled_from(VIETNAMESE_LETTERS), min_size=1, max_size=7))
    marks = draw(st.lists(st.sampled_from(TONE_MARKS), min_size=len(letters), max_size=len(letters)))
    return unicodedata.normalize("NFC", "".join(letter + mark for letter, mark in zip(letters, marks)))


@given(st.lists(vietnamese_words(), min_size=1, max_size=4))
def test_fold_gives_the_same_key_for_any_casing_and_without_diacritics(words):
    name = " ".join(words)
    plain = "".join(
        char for char in unicodedata.normalize("NFD", name.replace("đ", "d")) if not unicodedata.combining(char)
    )
    assert fold(name) == fold(name.upper()) == fold(name.title()) == fold(plain)
    assert fold(name).isascii()


def test_fold_collapses_the_space_left_by_a_lone_combining_mark():
    # Found by hypothesis in CI: U+16F4F (a Miao combining mark) after a space.
    assert fold("0 \U00016f4f") == "0"
    assert fold(fold("0 \U00016f4f")) == fold("0 \U00016f4f")


def test_unaccent_strips_vietnamese_diacritics_and_keeps_case():
    assert unaccent("Đến BHXH cơ sở Bến Thành, mang theo CCCD gốc") == "Den BHXH co so Ben Thanh, mang theo CCCD goc"
    assert unaccent("NGUYỄN THỊ ĐÀO") == "NGUYEN THI DAO"


def test_unaccent_reads_decomposed_text_and_the_legacy_eth():
    assert unaccent(unicodedata.normalize("NFD", "Nguyễn Ánh")) == "Nguyen Anh"
    assert unaccent("\u00d0ào \u00f0ức") == "Dao duc"


def test_unaccent_leaves_ascii_punctuation_and_digits_alone():
    text = "BHXH: ma ho so K7Q4-M2XA-9R, truoc 25/12/2026 (08:00)."
    assert unaccent(text) == text


@given(st.lists(vietnamese_words(), min_size=1, max_size=6))
def test_unaccented_vietnamese_is_ascii_of_the_same_shape(words):
    text = " ".join(word.title() if i % 2 else word for i, word in enumerate(words))
    result = unaccent(text)
    assert result.isascii()
    base_letters = [c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)]
    assert len(result) == len(base_letters)  # one letter for one letter, nothing dropped or added
    assert [c.isupper() for c in result] == [c.isupper() for c in base_letters]
    assert fold(result) == fold(text)


@given(st.text())
def test_unaccent_is_idempotent_and_leaves_no_combining_marks(text):
    once = unaccent(text)
    assert unaccent(once) == once
    assert not any(unicodedata.category(char).startswith("M") for char in once)
