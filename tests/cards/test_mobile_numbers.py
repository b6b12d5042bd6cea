"""Số điện thoại di động: the number every password and OTP is sent to."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.errors import InvalidValue
from vssid.cards.phones import OLD_TO_NEW_MOBILE_PREFIXES, format_mobile_national, normalize_mobile
from vssid.cards.synthetic import MOBILE_PREFIXES, random_mobile


@pytest.mark.parametrize(
    "typed",
    ["0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "+84912345678", "+84 912 345 678",
     "84912345678", "0084912345678", "+84 (0) 912 345 678", "912345678"],
)
def test_the_ways_people_write_a_mobile_number_all_give_e164(typed):
    assert normalize_mobile(typed) == "+84912345678"


def test_a_number_starting_084_is_not_mistaken_for_the_country_code():
    assert normalize_mobile("0842345678") == "+84842345678"
    assert normalize_mobile("842345678") == "+84842345678"


def test_format_mobile_national_groups_as_printed_on_sim_cards():
    assert format_mobile_national("+84912345678") == "0912 345 678"
    assert format_mobile_national("+84321234567") == "0321 234 567"


def test_an_empty_number_is_refused(refused):
    refused("mobile_required", normalize_mobile, " ")


def test_letters_are_refused(refused):
    refused("mobile_characters", normalize_mobile, "0912 345 67a")
    refused("mobile_characters", normalize_mobile, "09+12345678")


def test_a_foreign_number_is_refused(refused):
    refused("mobile_not_vietnamese", normalize_mobile, "+33 6 12 34 56 78")
    refused("mobile_not_vietnamese", normalize_mobile, "0033612345678")


def test_an_old_11_digit_number_is_refused_with_its_new_form(refused):
    error = refused("mobile_old_11_digit", normalize_mobile, "0162 123 4567")
    assert error.params == {"new_number": "0321 234 567"}
    assert "0321 234 567" in error.render()
    assert refused("mobile_old_11_digit", normalize_mobile, "+84 1234 567 890").params == {"new_number": "0834 567 890"}


def test_every_converted_prefix_leads_to_a_current_mobile_number():
    for old_prefix, new_prefix in OLD_TO_NEW_MOBILE_PREFIXES.items():
        with pytest.raises(InvalidValue) as caught:
            normalize_mobile(old_prefix + "2345678")
        assert caught.value.params["new_number"].replace(" ", "") == new_prefix + "2345678"
        assert normalize_mobile(caught.value.params["new_number"]) == "+84" + new_prefix[1:] + "2345678"


def test_a_landline_is_refused_with_its_own_message(refused):
    refused("mobile_landline", normalize_mobile, "024 3825 6686")
    refused("mobile_landline", normalize_mobile, "+84 28 3829 5555")


def test_a_wrong_length_says_how_many_digits_were_typed(refused):
    assert refused("mobile_length", normalize_mobile, "091234567").params == {"count": 9}
    assert refused("mobile_length", normalize_mobile, "09123456789").params == {"count": 11}


def test_a_prefix_that_is_not_mobile_is_refused(refused):
    refused("mobile_prefix", normalize_mobile, "0412345678")
    refused("mobile_prefix", normalize_mobile, "0612345678")


def test_an_unallocated_range_inside_a_mobile_prefix_is_refused(refused):
    error = refused("mobile_not_in_use", normalize_mobile, "0552 345 678")
    assert error.params == {"number": "0552 345 678"}


@given(st.randoms(use_true_random=False))
def test_synthetic_mobiles_are_valid_and_stable(rng):
    mobile = random_mobile(rng)
    assert normalize_mobile(mobile) == mobile
    assert normalize_mobile(format_mobile_national(mobile)) == mobile


def test_every_synthetic_prefix_is_a_mobile_range_for_phonenumbers():
    for prefix in MOBILE_PREFIXES:
        assert normalize_mobile(f"0{prefix}1234567") == f"+84{prefix}1234567"


@given(st.text(alphabet="0123456789 +.-()", max_size=18))
def test_any_typing_gives_e164_or_a_coded_refusal_and_is_idempotent(typed):
    try:
        mobile = normalize_mobile(typed)
    except InvalidValue as error:
        assert error.code.startswith("mobile_")
    else:
        assert mobile.startswith("+84") and len(mobile) == 12
        assert normalize_mobile(mobile) == mobile
