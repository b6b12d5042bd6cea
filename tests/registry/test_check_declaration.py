"""`check_declaration`: a declaration's mã số BHXH, name and date of birth against the registry."""
from datetime import date

import pytest
from django.template.loader import render_to_string

from vssid.declarations.models import Declaration
from vssid.registry.selectors import RegistryCheck, check_declaration

from tests.registry.helpers import AN, person

pytestmark = pytest.mark.django_db


def declaration(**changes) -> Declaration:
    values = {"social_insurance_number": "7912345678", "full_name": "Nguyễn Văn An", "date_of_birth": date(1985, 9, 2),
              **changes}
    return Declaration.objects.create(**values)


def test_a_declaration_that_agrees_is_ok(add_people):
    add_people(AN)
    assert check_declaration(declaration()) == RegistryCheck(ok=True, problems=[])


def test_names_are_compared_without_case_or_diacritics(add_people):
    add_people(AN)
    assert check_declaration(declaration(full_name="NGUYEN VAN AN")).ok


def test_an_unknown_number_is_the_only_problem_reported(add_people):
    add_people(AN)
    assert check_declaration(declaration(social_insurance_number="7900000000", full_name="X Y")) == RegistryCheck(
        ok=False, problems=["unknown_number"])
    assert check_declaration(declaration(social_insurance_number="")).problems == ["unknown_number"]


def test_a_different_name_and_date_of_birth_are_both_reported(add_people):
    add_people(AN)
    check = check_declaration(declaration(full_name="Nguyễn Văn Anh", date_of_birth=date(1985, 9, 3)))
    assert check == RegistryCheck(ok=False, problems=["name_differs", "date_of_birth_differs"])


def test_a_year_only_record_accepts_any_date_in_that_year(add_people):
    add_people(person(date_of_birth=date(1958, 1, 1), birth_year_only=True))
    assert check_declaration(declaration(date_of_birth=date(1958, 8, 17))).ok
    assert check_declaration(declaration(date_of_birth=date(1959, 1, 1))).problems == ["date_of_birth_differs"]


def test_a_missing_date_of_birth_differs(add_people):
    add_people(AN)
    assert check_declaration(declaration(date_of_birth=None)).problems == ["date_of_birth_differs"]


def test_the_mismatch_page_explains_what_to_do_and_never_shows_the_registrys_values(add_people, rf):
    add_people(AN)
    check = check_declaration(declaration(full_name="Trần Văn Bình", date_of_birth=date(1990, 1, 1)))
    page = render_to_string("registry/declaration_mismatch.html", {"check": check, "back_url": "/"},
                            request=rf.get("/"))
    assert "Họ và tên khác với hồ sơ BHXH" in page and "Ngày sinh khác với hồ sơ BHXH" in page
    assert "mang giấy tờ tùy thân" in page
    assert "Mã số BHXH bạn nhập không có" not in page
    assert "Nguyễn" not in page and "1985" not in page


def test_the_registry_says_whether_it_holds_anyone(add_people):
    from vssid.registry.selectors import registry_is_loaded

    assert not registry_is_loaded()
    add_people(AN)
    assert registry_is_loaded()
