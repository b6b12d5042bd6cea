"""Ngày sinh from three boxes, ages, and the minimum age for an account of one's own."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.dates import MAXIMUM_AGE, MINIMUM_AGE, age_on, is_old_enough, parse_date_of_birth
from vssid.cards.errors import InvalidValue

TODAY = date(2025, 11, 25)


def parse(day, month, year):
    return parse_date_of_birth(day, month, year, today=TODAY)


def test_a_date_is_read_from_three_boxes_with_or_without_leading_zeros():
    assert parse("07", "9", "1990") == date(1990, 9, 7)
    assert parse(" 7 ", "09", " 1990") == date(1990, 9, 7)


def test_full_width_digits_from_asian_keyboards_are_read():
    assert parse("０７", "０９", "１９９０") == date(1990, 9, 7)


def test_all_boxes_empty_asks_for_the_date(refused):
    refused("date_required", parse, "", " ", None)


def test_a_missing_box_is_named(refused):
    refused("date_day_missing", parse, "", "9", "1990")
    refused("date_month_missing", parse, "7", "", "1990")
    refused("date_year_missing", parse, "7", "9", "")


def test_when_several_boxes_are_missing_the_first_is_named(refused):
    refused("date_month_missing", parse, "7", "", "")


def test_a_day_must_be_a_number_from_1_to_31(refused):
    refused("date_day_invalid", parse, "32", "1", "1990")
    refused("date_day_invalid", parse, "0", "1", "1990")
    refused("date_day_invalid", parse, "mười", "1", "1990")


def test_a_month_must_be_a_number_from_1_to_12(refused):
    refused("date_month_invalid", parse, "1", "13", "1990")
    refused("date_month_invalid", parse, "1", "Mar", "1990")


def test_a_year_must_have_four_digits(refused):
    refused("date_year_format", parse, "1", "1", "90")
    refused("date_year_format", parse, "1", "1", "0990")
    refused("date_year_format", parse, "1", "1", "19900")


def test_a_day_that_is_not_on_the_calendar_is_named(refused):
    error = refused("date_not_a_date", parse, "31", "02", "1990")
    assert error.params == {"day": 31, "month": 2, "year": 1990}
    assert "31/2/1990" in error.render()
    refused("date_not_a_date", parse, "29", "2", "2023")
    assert parse("29", "2", "2024") == date(2024, 2, 29)


def test_a_date_after_today_is_in_the_future(refused):
    refused("date_in_future", parse, "26", "11", "2025")
    assert parse("25", "11", "2025") == TODAY


def test_more_than_120_years_is_implausible(refused):
    assert refused("date_too_old", parse, "24", "11", "1904").params == {"limit": MAXIMUM_AGE}
    assert parse("25", "11", "1905") == date(1905, 11, 25)


def test_age_counts_completed_years():
    assert age_on(date(1990, 11, 25), TODAY) == 35
    assert age_on(date(1990, 11, 26), TODAY) == 34


def test_someone_born_on_29_february_turns_older_on_1_march_in_common_years():
    assert age_on(date(2008, 2, 29), date(2023, 2, 28)) == 14
    assert age_on(date(2008, 2, 29), date(2023, 3, 1)) == 15


def test_age_before_birth_is_a_programming_error():
    with pytest.raises(ValueError):
        age_on(TODAY, date(2000, 1, 1))


def test_fifteen_is_old_enough_and_the_day_before_is_not():
    assert MINIMUM_AGE == 15
    assert is_old_enough(date(2010, 11, 25), TODAY)
    assert not is_old_enough(date(2010, 11, 26), TODAY)


@given(st.dates(min_value=date(1905, 11, 26), max_value=TODAY))
def test_every_plausible_date_round_trips_through_the_boxes(born):
    assert parse(str(born.day), f"{born.month:02d}", str(born.year)) == born


@given(st.text(max_size=4), st.text(max_size=4), st.text(max_size=6))
def test_any_typing_gives_a_date_or_a_coded_refusal(day, month, year):
    try:
        born = parse(day, month, year)
    except InvalidValue as error:
        assert error.code.startswith("date_")
    else:
        assert born <= TODAY and age_on(born, TODAY) <= MAXIMUM_AGE


def test_a_dot_or_dash_inside_a_box_is_not_silently_removed(refused):
    refused("date_day_invalid", parse, "1.5", "1", "1990")
    refused("date_month_invalid", parse, "1", "-1", "1990")
