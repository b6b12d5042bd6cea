"""The look-up rule (domain.md §5): province, folded name and date of birth must be equal; the ID
number or its absence decides between records; exactly one match reveals the number."""
from datetime import date

import pytest

from vssid.registry.selectors import NO_SINGLE_MATCH, LookupQuery, lookup

from tests.registry.helpers import AN, person

pytestmark = pytest.mark.django_db


def query(**changes) -> LookupQuery:
    values = {"province_code": "79", "full_name": "Nguyễn Văn An", "date_of_birth": date(1985, 9, 2),
              "id_number": "079085001234", **changes}
    return LookupQuery(**values)


def found(**changes) -> str | None:
    return lookup(query(**changes)).social_insurance_number


def test_exactly_one_match_reveals_the_number(add_people):
    add_people(AN)
    assert found() == "7912345678"


@pytest.mark.parametrize("changes", [
    {"province_code": "01"},
    {"full_name": "Nguyễn Văn Anh"},
    {"date_of_birth": date(1985, 9, 3)},
    {"id_number": "079085009999"},  # the record holds another number
])
def test_any_attribute_that_differs_gives_no_single_match(add_people, changes):
    add_people(AN)
    assert lookup(query(**changes)) == NO_SINGLE_MATCH


def test_ticking_no_id_document_does_not_skip_the_number_a_record_holds(add_people):
    add_people(AN)
    assert found(id_number="") is None


def test_a_record_without_an_id_number_matches_with_or_without_one_typed(add_people):
    add_people(person(id_number=""))
    assert found() == "7912345678"
    assert found(id_number="") == "7912345678"


def test_a_year_only_record_matches_any_date_in_that_year_and_no_other(add_people):
    add_people(person(date_of_birth=date(1985, 1, 1), birth_year_only=True))
    assert found(date_of_birth=date(1985, 12, 31)) == "7912345678"
    assert found(date_of_birth=date(1985, 1, 1)) == "7912345678"
    assert found(date_of_birth=date(1986, 1, 1)) is None


def test_a_full_date_record_on_the_first_of_january_does_not_match_the_whole_year(add_people):
    add_people(person(date_of_birth=date(1985, 1, 1)))
    assert found(date_of_birth=date(1985, 1, 1)) == "7912345678"
    assert found(date_of_birth=date(1985, 6, 1)) is None


def test_namesakes_without_id_numbers_give_no_single_match(add_people):
    add_people(person(id_number=""), person(social_insurance_number="7900000002", id_number=""))
    assert found() is None
    assert found(id_number="") is None


def test_a_record_holding_the_typed_number_beats_a_namesake_holding_none(add_people):
    add_people(AN, person(social_insurance_number="7900000002", id_number=""))
    assert found() == "7912345678"
    assert found(id_number="") == "7900000002"  # the only record without a number


def test_two_records_holding_the_same_number_give_no_single_match(add_people):
    add_people(AN, person(social_insurance_number="7900000002"))  # a duplicate record, as registries have
    assert found() is None
