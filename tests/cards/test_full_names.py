"""Họ và tên: what is accepted, and what each refusal says."""
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.errors import InvalidValue
from vssid.cards.names import MAXIMUM_LENGTH, display_name, normalize_full_name
from vssid.cards.synthetic import random_full_name


def test_a_vietnamese_name_is_kept_as_typed_in_nfc_with_single_spaces():
    typed = "  " + unicodedata.normalize("NFD", "Đặng  Thị Ngọc") + " "
    assert normalize_full_name(typed) == "Đặng Thị Ngọc"


def test_foreign_names_may_have_an_apostrophe_or_hyphen_between_letters():
    assert normalize_full_name("Seán O'Brien") == "Seán O'Brien"
    assert normalize_full_name("Jean-Pierre Dupont") == "Jean-Pierre Dupont"


def test_a_typographic_apostrophe_is_stored_as_a_plain_one():
    assert normalize_full_name("O’Brien") == "O'Brien"


def test_an_empty_name_is_refused(refused):
    refused("full_name_required", normalize_full_name, "   ")
    refused("full_name_required", normalize_full_name, None)


def test_a_one_letter_name_is_too_short(refused):
    refused("full_name_too_short", normalize_full_name, "A")


def test_a_name_longer_than_the_limit_says_how_long_it_was(refused):
    error = refused("full_name_too_long", normalize_full_name, "A" * (MAXIMUM_LENGTH + 1))
    assert error.params == {"limit": MAXIMUM_LENGTH, "count": MAXIMUM_LENGTH + 1}


def test_a_name_of_exactly_the_limit_is_accepted():
    assert len(normalize_full_name("A" * MAXIMUM_LENGTH)) == MAXIMUM_LENGTH


def test_digits_in_a_name_are_refused_with_their_own_message(refused):
    refused("full_name_digits", normalize_full_name, "Nguyễn Văn 2")


def test_symbols_are_refused_and_named(refused):
    error = refused("full_name_symbols", normalize_full_name, "Trần@Bình!")
    assert error.params["characters"] == "@ !"


def test_punctuation_outside_a_name_is_misplaced(refused):
    refused("full_name_misplaced_punctuation", normalize_full_name, "-Bình")
    refused("full_name_misplaced_punctuation", normalize_full_name, "O' Brien")
    refused("full_name_misplaced_punctuation", normalize_full_name, "Jean--Pierre")


def test_names_in_another_script_ask_for_the_latin_form(refused):
    refused("full_name_not_latin", normalize_full_name, "王小明")
    refused("full_name_not_latin", normalize_full_name, "Иван Петров")


def test_display_name_is_upper_case_as_bhxh_forms_print_it():
    assert display_name("Đặng thị ngọc ánh") == "ĐẶNG THỊ NGỌC ÁNH"


@given(st.randoms(use_true_random=False), st.sampled_from(["male", "female"]))
def test_realistic_names_are_accepted_unchanged(rng, sex):
    name = random_full_name(sex, rng)
    assert normalize_full_name(name) == name


@given(st.text(max_size=120))
def test_normalising_a_name_is_idempotent(text):
    try:
        name = normalize_full_name(text)
    except InvalidValue:
        return
    assert normalize_full_name(name) == name
