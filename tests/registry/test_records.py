"""A registry row checked with the card rules: every problem of a row, as (column, code)."""
from datetime import date

import pytest

from vssid.cards.errors import InvalidValue
from vssid.registry.records import FieldProblem, check_record, normalize_id_number, parse_birth, parse_sex

TODAY = date(2025, 10, 1)
PROVINCES = {"01", "08", "79"}
GOOD = {
    "social_insurance_number": "7912345678", "full_name": "Nguyễn Văn An", "date_of_birth": "1985-09-02",
    "sex": "male", "province_code": "79", "id_number": "079085001234", "phone": "0987 654 321",
}


def check(**changes):
    return check_record({**GOOD, **changes}, province_codes=PROVINCES, today=TODAY)


def codes(**changes):
    record, problems = check(**changes)
    assert record is None
    return {(p.field, p.code) for p in problems}


def test_a_good_row_is_normalised():
    record, problems = check(full_name="  nguyễn   văn an ", social_insurance_number="79 1234 5678",
                             sex="Nam", phone="+84 987 654 321")
    assert problems == []
    assert record.full_name == "nguyễn văn an" and record.full_name_folded == "nguyen van an"
    assert (record.social_insurance_number, record.sex, record.phone) == ("7912345678", "male", "+84987654321")
    assert (record.date_of_birth, record.birth_year_only) == (date(1985, 9, 2), False)


def test_a_year_alone_is_a_year_only_birth_date():
    record, _problems = check(date_of_birth="1958", id_number="")
    assert (record.date_of_birth, record.birth_year_only) == (date(1958, 1, 1), True)


@pytest.mark.parametrize("column", ["id_number", "phone"])
def test_optional_columns_may_be_empty_or_absent(column):
    record, problems = check(**{column: ""})
    assert problems == [] and getattr(record, column) == ""
    row = {k: v for k, v in GOOD.items() if k != column}
    record, problems = check_record(row, province_codes=PROVINCES, today=TODAY)
    assert problems == [] and getattr(record, column) == ""


@pytest.mark.parametrize(("changes", "expected"), [
    ({"social_insurance_number": ""}, ("social_insurance_number", "social_insurance_number_required")),
    ({"social_insurance_number": "791234567"}, ("social_insurance_number", "social_insurance_number_length")),
    ({"social_insurance_number": "79123456AB"}, ("social_insurance_number", "social_insurance_number_not_digits")),
    ({"social_insurance_number": "HS4797912345678"}, ("social_insurance_number", "social_insurance_number_is_bhyt_card")),
    ({"full_name": ""}, ("full_name", "full_name_required")),
    ({"full_name": "Nguyễn Văn An 2"}, ("full_name", "full_name_digits")),
    ({"full_name": "Nguyễn@An"}, ("full_name", "full_name_symbols")),
    ({"date_of_birth": ""}, ("date_of_birth", "date_required")),
    ({"date_of_birth": "02/09/1985"}, ("date_of_birth", "date_of_birth_format")),
    ({"date_of_birth": "1985-02-30"}, ("date_of_birth", "date_not_a_date")),
    ({"date_of_birth": "1985-13-01"}, ("date_of_birth", "date_month_invalid")),
    ({"date_of_birth": "2030-01-01"}, ("date_of_birth", "date_in_future")),
    ({"date_of_birth": "1890"}, ("date_of_birth", "date_too_old")),
    ({"sex": "x"}, ("sex", "sex")),
    ({"sex": ""}, ("sex", "sex")),
    ({"province_code": "02"}, ("province_code", "province_code")),  # Hà Giang: a pre-2025 code
    ({"province_code": ""}, ("province_code", "province_code")),
    ({"id_number": "07908500123"}, ("id_number", "id_number_length")),
    ({"id_number": "079185001234"}, ("id_number", "cccd_sex_mismatch")),
    ({"id_number": "079090001234"}, ("id_number", "cccd_birth_year_mismatch")),
    ({"id_number": "003085001234"}, ("id_number", "cccd_place_code")),
    ({"id_number": "C12#4567"}, ("id_number", "passport_characters")),
    ({"phone": "024 3912 3456"}, ("phone", "mobile_landline")),
    ({"phone": "01626123456"}, ("phone", "mobile_old_11_digit")),
])
def test_each_refusal_has_its_column_and_code(changes, expected):
    assert codes(**changes) == {expected}


def test_every_problem_of_a_row_is_reported_not_only_the_first():
    assert codes(full_name="", sex="?", phone="12") == {
        ("full_name", "full_name_required"), ("sex", "sex"), ("phone", "mobile_length"),
    }


def test_a_cccd_is_checked_against_the_year_of_a_year_only_birth_date():
    assert codes(date_of_birth="1984") == {("id_number", "cccd_birth_year_mismatch")}


@pytest.mark.parametrize(("raw", "expected"), [
    ("079 085 001 234", "079085001234"),  # CCCD
    ("123456789", "123456789"),  # CMND
    ("c1234567", "C1234567"),  # Vietnamese passport
    ("X12345678", "X12345678"),  # a foreign one
])
def test_id_numbers_are_told_apart_by_their_shape(raw, expected):
    assert normalize_id_number(raw, date_of_birth=date(1985, 9, 2), sex="male") == expected


def test_an_empty_id_number_is_refused_where_one_is_needed():
    with pytest.raises(InvalidValue) as caught:
        normalize_id_number("  ")
    assert caught.value.code == "id_number_required" and caught.value.render()


@pytest.mark.parametrize(("raw", "sex"), [("male", "male"), ("Nam", "male"), ("NỮ", "female"), ("nu", "female"),
                                          ("2", "female"), ("1", "male"), ("Female", "female")])
def test_sex_is_accepted_in_the_forms_records_use(raw, sex):
    assert parse_sex(raw) == sex


def test_a_refusal_code_never_carries_the_refused_value():
    _record, problems = check(full_name="Nguyễn Văn An 2")
    assert problems == [FieldProblem("full_name", "full_name_digits")]
    assert all("Nguyễn" not in p.code for p in problems)


def test_parse_birth_refuses_the_current_year_plus_one():
    with pytest.raises(InvalidValue):
        parse_birth(str(TODAY.year + 1), today=TODAY)
