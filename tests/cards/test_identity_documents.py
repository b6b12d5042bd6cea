"""CCCD, CMND and passport numbers; the CCCD's agreement with the date of birth and sex."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.birth_places import PROVINCE_CODES_2016, is_birth_registration_place_code, province_name
from vssid.cards.errors import InvalidValue
from vssid.cards.identity import (
    century_sex_digit,
    is_vietnamese_passport_number,
    normalize_cccd,
    normalize_cmnd,
    normalize_id_document,
    normalize_passport,
    read_cccd_number,
)
from vssid.cards.synthetic import random_cccd

# A woman born on 15/03/1990 whose birth was registered in Hà Nội: 001 + 1 + 90 + random.
BINH = "001190012345"
BINH_BIRTH = date(1990, 3, 15)


def test_a_cccd_number_is_twelve_digits_with_grouping_removed():
    assert normalize_cccd(" 001 190 012 345 ") == BINH


def test_a_cccd_number_agreeing_with_date_of_birth_and_sex_is_accepted():
    assert normalize_cccd(BINH, date_of_birth=BINH_BIRTH, sex="female") == BINH


def test_the_63_province_codes_of_tt_07_2016_are_the_real_ones():
    assert len(PROVINCE_CODES_2016) == 63
    assert (province_name("001"), province_name("079"), province_name("096")) == ("Hà Nội", "Hồ Chí Minh", "Cà Mau")
    # The gaps of the statistical codes: no province had 003 or 097.
    assert not is_birth_registration_place_code("003")
    assert not is_birth_registration_place_code("097")


def test_codes_outside_the_province_block_are_tolerated_as_unpublished_country_codes():
    assert is_birth_registration_place_code("100")
    assert province_name("704") is None
    assert normalize_cccd("704090123456") == "704090123456"


def test_read_cccd_number_says_what_digits_4_to_6_mean():
    card = read_cccd_number(BINH)
    assert (card.place_name, card.sex, card.century_first_year, card.birth_year) == ("Hà Nội", "female", 1900, 1990)
    assert read_cccd_number("079205012345").birth_year == 2005
    assert read_cccd_number("079205012345").sex == "male"


@pytest.mark.parametrize(
    ("digit", "first_year", "sex"),
    [("0", 1900, "male"), ("1", 1900, "female"), ("2", 2000, "male"), ("3", 2000, "female"),
     ("4", 2100, "male"), ("5", 2100, "female"), ("6", 2200, "male"), ("7", 2200, "female"),
     ("8", 2300, "male"), ("9", 2300, "female")],
)
def test_the_century_and_sex_digit_follows_tt_07_2016(digit, first_year, sex):
    card = read_cccd_number(f"001{digit}00123456")
    assert (card.century_first_year, card.sex) == (first_year, sex)
    assert century_sex_digit(first_year + 50, sex) == digit


def test_century_sex_digit_refuses_years_outside_the_scheme():
    with pytest.raises(ValueError):
        century_sex_digit(1899, "male")


def test_an_empty_cccd_is_refused(refused):
    refused("cccd_required", normalize_cccd, "")


def test_letters_in_a_cccd_are_refused(refused):
    refused("cccd_not_digits", normalize_cccd, "00119001234O")


def test_a_wrong_length_says_how_many_digits_were_typed(refused):
    assert refused("cccd_length", normalize_cccd, "00119001234").params == {"count": 11}


def test_nine_digits_point_to_the_cmnd_choice(refused):
    refused("cccd_looks_like_cmnd", normalize_cccd, "012345678")


def test_an_unassigned_place_code_is_refused_and_named(refused):
    assert refused("cccd_place_code", normalize_cccd, "003190012345").params == {"place_code": "003"}
    refused("cccd_place_code", normalize_cccd, "000190012345")


def test_a_birth_in_another_century_is_its_own_mismatch(refused):
    error = refused("cccd_century_mismatch", normalize_cccd, "001390012345", date_of_birth=BINH_BIRTH, sex="female")
    assert error.params == {"card_first_year": 2000, "card_last_year": 2099, "declared_year": 1990}
    assert "2000–2099" in error.render()


def test_a_different_birth_year_is_named_in_the_message(refused):
    error = refused("cccd_birth_year_mismatch", normalize_cccd, "001185012345", date_of_birth=BINH_BIRTH)
    assert error.params == {"card_year": 1985, "declared_year": 1990}


def test_a_different_sex_is_its_own_mismatch(refused):
    refused("cccd_sex_mismatch", normalize_cccd, "001090012345", date_of_birth=BINH_BIRTH, sex="female")
    refused("cccd_sex_mismatch", normalize_cccd, BINH, sex="male")


def test_an_invalid_sex_value_is_a_programming_error_not_a_citizen_error():
    with pytest.raises(ValueError) as caught:
        normalize_cccd(BINH, sex="Nữ")
    assert not isinstance(caught.value, InvalidValue)


def test_a_cmnd_has_nine_or_twelve_digits(refused):
    assert normalize_cmnd("012 345 678") == "012345678"
    assert normalize_cmnd("012345678901") == "012345678901"
    assert refused("cmnd_length", normalize_cmnd, "0123456789").params == {"count": 10}
    refused("cmnd_required", normalize_cmnd, " ")
    refused("cmnd_not_digits", normalize_cmnd, "01234567A")


def test_passports_are_upper_cased_letters_and_digits(refused):
    assert normalize_passport(" c1234567 ") == "C1234567"
    assert is_vietnamese_passport_number("C1234567")
    assert normalize_passport("X12AB3456") == "X12AB3456"
    assert not is_vietnamese_passport_number("X12AB3456")
    refused("passport_required", normalize_passport, "")
    refused("passport_characters", normalize_passport, "C123/4567")
    assert refused("passport_length", normalize_passport, "C1234").params == {"count": 5}
    refused("passport_length", normalize_passport, "C" * 13)


def test_normalize_id_document_dispatches_on_the_document_type(refused):
    assert normalize_id_document("cccd", BINH, date_of_birth=BINH_BIRTH, sex="female") == BINH
    assert normalize_id_document("cmnd", "012345678") == "012345678"
    assert normalize_id_document("passport", "c1234567") == "C1234567"
    refused("cccd_sex_mismatch", normalize_id_document, "cccd", BINH, sex="male")
    refused("id_document_type", normalize_id_document, "driving_licence", "123")


def test_only_a_cccd_is_checked_against_the_date_of_birth():
    assert normalize_id_document("cmnd", "012345678", date_of_birth=BINH_BIRTH, sex="male") == "012345678"


@given(
    st.randoms(use_true_random=False),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31)),
    st.sampled_from(["male", "female"]),
)
def test_a_generated_cccd_always_agrees_with_its_own_holder(rng, date_of_birth, sex):
    number = random_cccd(date_of_birth, sex, rng)
    assert normalize_cccd(number, date_of_birth=date_of_birth, sex=sex) == number
    card = read_cccd_number(number)
    assert (card.birth_year, card.sex) == (date_of_birth.year, sex)


@given(
    st.randoms(use_true_random=False),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["male", "female"]),
)
def test_a_cccd_is_refused_for_anyone_born_in_another_year(rng, born, other, sex):
    number = random_cccd(born, sex, rng)
    if other.year == born.year:
        assert normalize_cccd(number, date_of_birth=other, sex=sex) == number
    else:
        with pytest.raises(InvalidValue) as caught:
            normalize_cccd(number, date_of_birth=other, sex=sex)
        assert caught.value.code in ("cccd_century_mismatch", "cccd_birth_year_mismatch")


@given(st.text(alphabet="0123456789 .-", max_size=16))
def test_normalising_a_cccd_is_idempotent(text):
    try:
        number = normalize_cccd(text)
    except InvalidValue:
        return
    assert normalize_cccd(number) == number and len(number) == 12
