"""The synthetic people other packages build their tests and demo data from must be realistic:
every number agrees with the rules of vssid.cards."""
import random
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.bhxh import normalize_social_insurance_number
from vssid.cards.dates import MINIMUM_AGE, age_on, is_old_enough
from vssid.cards.identity import normalize_cccd, normalize_cmnd
from vssid.cards.names import normalize_full_name
from vssid.cards.phones import normalize_mobile
from vssid.cards.synthetic import (
    build_bhyt_qr_text,
    hex_utf8,
    random_cmnd,
    random_date_of_birth,
    random_person,
)

TODAY = date(2025, 11, 25)


@given(st.randoms(use_true_random=False))
def test_a_synthetic_person_passes_every_rule(rng):
    person = random_person(rng, today=TODAY)
    assert normalize_full_name(person.full_name) == person.full_name
    assert normalize_cccd(person.cccd, date_of_birth=person.date_of_birth, sex=person.sex) == person.cccd
    assert normalize_social_insurance_number(person.social_insurance_number) == person.social_insurance_number
    assert normalize_mobile(person.mobile) == person.mobile
    assert is_old_enough(person.date_of_birth, TODAY)
    assert person.date_of_birth < person.cccd_issue_date <= TODAY


def test_the_same_seed_gives_the_same_person():
    assert random_person(random.Random(7), today=TODAY) == random_person(random.Random(7), today=TODAY)
    assert random_person(random.Random(7), today=TODAY) != random_person(random.Random(8), today=TODAY)


@given(
    st.randoms(use_true_random=False),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=60),
)
def test_random_dates_of_birth_stay_within_the_ages_asked_for(rng, today, minimum_age, extra_years):
    born = random_date_of_birth(rng, today=today, minimum_age=minimum_age, maximum_age=minimum_age + extra_years)
    assert minimum_age <= age_on(born, today) <= minimum_age + extra_years


def test_the_default_youngest_person_is_the_minimum_age():
    births = [random_date_of_birth(random.Random(seed), today=TODAY, maximum_age=MINIMUM_AGE) for seed in range(50)]
    assert {age_on(born, TODAY) for born in births} == {MINIMUM_AGE}


@given(st.randoms(use_true_random=False))
def test_a_synthetic_cmnd_is_a_valid_cmnd(rng):
    number = random_cmnd(rng)
    assert normalize_cmnd(number) == number and len(number) == 9


def test_hex_utf8_encodes_as_bhyt_cards_do():
    assert hex_utf8("Bình") == "42c3ac6e68"
    assert hex_utf8("Bình", uppercase=True) == "42C3AC6E68"


def test_an_old_bhyt_code_has_15_parts_and_a_new_one_17():
    common = dict(card_number="HS4010120878811", full_name="Trần Thị Bình", date_of_birth=1952, sex="female")
    old = build_bhyt_qr_text(**common)
    new = build_bhyt_qr_text(**common, new_card=True, issuing_place="BHXH Hà Nội")
    assert len(old.split("|")) == 15 and old.endswith("|$")
    assert len(new.split("|")) == 17 and new.endswith("|$")
    assert old.split("|")[2] == "1952"
