"""Mã số BHXH and BHYT card numbers."""
from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.bhxh import (
    BhytCardNumber,
    normalize_social_insurance_number,
    parse_bhyt_card_number,
    social_insurance_number_from_bhyt_card,
)
from vssid.cards.errors import InvalidValue
from vssid.cards.synthetic import random_bhyt_card_number, random_social_insurance_number


def test_ten_digits_are_accepted_with_the_grouping_people_type():
    assert normalize_social_insurance_number(" 01 2087-88.11 ") == "0120878811"


def test_there_is_no_check_digit_so_any_ten_digits_pass():
    assert normalize_social_insurance_number("0000000000") == "0000000000"
    assert normalize_social_insurance_number("9999999999") == "9999999999"


def test_an_empty_number_is_refused(refused):
    refused("social_insurance_number_required", normalize_social_insurance_number, " ")


def test_letters_are_refused(refused):
    refused("social_insurance_number_not_digits", normalize_social_insurance_number, "01208788I1")


def test_a_wrong_length_says_how_many_digits_were_typed(refused):
    error = refused("social_insurance_number_length", normalize_social_insurance_number, "012087881")
    assert error.params == {"count": 9}


def test_an_old_bhyt_card_number_is_refused_with_the_number_inside_it(refused):
    error = refused("social_insurance_number_is_bhyt_card", normalize_social_insurance_number, "HS4010120878811")
    assert error.params == {"number": "0120878811"}
    assert "0120878811" in error.render()


def test_an_old_card_number_is_taken_apart():
    assert parse_bhyt_card_number("hs4 01 0120878811") == BhytCardNumber(
        card_number="HS4010120878811",
        social_insurance_number="0120878811",
        object_code="HS",
        benefit_level=4,
        province_code="01",
    )


def test_a_new_card_number_is_the_social_insurance_number_itself():
    card = parse_bhyt_card_number("0120878811")
    assert (card.social_insurance_number, card.object_code, card.benefit_level, card.province_code) == (
        "0120878811", None, None, None,
    )


def test_the_social_insurance_number_is_the_last_ten_digits_of_an_old_card():
    assert social_insurance_number_from_bhyt_card("DN1790120878811") == "0120878811"


def test_benefit_level_zero_never_occurs(refused):
    error = refused("bhyt_benefit_level", parse_bhyt_card_number, "HS0010120878811")
    assert error.params == {"level": "0"}
    refused("bhyt_benefit_level", parse_bhyt_card_number, "HS6010120878811")


def test_other_shapes_are_not_card_numbers(refused):
    refused("bhyt_card_number_format", parse_bhyt_card_number, "H54010120878811")
    refused("bhyt_card_number_format", parse_bhyt_card_number, "HS401012087881")
    refused("bhyt_card_number_required", parse_bhyt_card_number, "")


@given(st.randoms(use_true_random=False), st.booleans())
def test_synthetic_card_numbers_contain_their_social_insurance_number(rng, old_format):
    number = random_social_insurance_number(rng)
    assert normalize_social_insurance_number(number) == number
    card = parse_bhyt_card_number(random_bhyt_card_number(rng, number, old_format=old_format))
    assert card.social_insurance_number == number
    assert (card.benefit_level in range(1, 6)) if old_format else card.benefit_level is None


@given(st.text(alphabet="0123456789 .-HSDNabc", max_size=20))
def test_normalising_a_social_insurance_number_is_idempotent(text):
    try:
        number = normalize_social_insurance_number(text)
    except InvalidValue:
        return
    assert normalize_social_insurance_number(number) == number and len(number) == 10
