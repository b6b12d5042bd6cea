"""`vssid registry generate` and `vssid registry demo`: realistic synthetic people whose numbers follow
the real structures and pass the card rules."""
import random
from datetime import date

import pytest
from django.core.management import call_command

from vssid.cards.dates import age_on
from vssid.cards.identity import read_cccd_number
from vssid.places.models import Province
from vssid.registry import selectors, services
from vssid.registry.birth_provinces import province_2025_of_birth_place
from vssid.registry.models import InsuredPerson
from vssid.registry.records import check_record

TODAY = date(2025, 10, 1)


def as_raw(person: InsuredPerson) -> dict:
    """A stored person written back as an import row."""
    born = str(person.date_of_birth.year) if person.birth_year_only else person.date_of_birth.isoformat()
    return {"social_insurance_number": person.social_insurance_number, "full_name": person.full_name,
            "date_of_birth": born, "sex": person.sex, "province_code": person.province_id,
            "id_number": person.id_number, "phone": person.phone}


def rows():
    return list(InsuredPerson.objects.order_by("pk").values_list(
        "pk", "full_name", "date_of_birth", "birth_year_only", "sex", "province_id", "id_number", "phone"))


@pytest.mark.django_db
def test_generate_adds_exactly_the_count_asked():
    assert services.generate_people(120, seed=3, today=TODAY, batch_size=50) == 120
    assert InsuredPerson.objects.count() == 120


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_people():
    services.generate_people(60, seed=11, today=TODAY)
    first = rows()
    InsuredPerson.objects.all().delete()
    services.generate_people(60, seed=11, today=TODAY)
    assert rows() == first
    InsuredPerson.objects.all().delete()
    services.generate_people(60, seed=12, today=TODAY)
    assert rows() != first


@pytest.mark.django_db
def test_numbers_already_taken_are_drawn_again_not_overwritten():
    services.generate_people(30, seed=5, today=TODAY)
    before = rows()
    services.generate_people(30, seed=5, today=TODAY)  # the same stream: all 30 numbers are taken
    assert InsuredPerson.objects.count() == 60
    assert set(before) <= set(rows())


@pytest.mark.django_db
def test_every_generated_person_passes_the_card_rules():
    services.generate_people(400, seed=1, today=TODAY)
    provinces = set(Province.objects.values_list("code", flat=True))
    for person in InsuredPerson.objects.all():
        record, problems = check_record(as_raw(person), province_codes=provinces, today=TODAY)
        assert problems == [], (person.pk, problems)
        assert record.full_name == person.full_name and record.full_name_folded == person.full_name_folded


def test_synthetic_people_look_like_the_real_population():
    rng = random.Random(7)
    people = [services.synthetic_record(rng, today=TODAY, pools=services.name_pools()) for _ in range(3000)]
    cccd = [p for p in people if len(p.id_number) == 12]
    assert len(cccd) > 1500
    for p in cccd:  # the CCCD says where the birth was registered, the century, sex and year
        card = read_cccd_number(p.id_number)
        assert province_2025_of_birth_place(card.place_code) == p.province_code
        assert (card.sex, card.birth_year) == (p.sex, p.date_of_birth.year)
    assert all(p.id_number == "" for p in people if age_on(p.date_of_birth, TODAY) < 14)
    assert any(p.birth_year_only for p in people) and all(
        p.date_of_birth.year < 1960 for p in people if p.birth_year_only)
    assert any(len(p.full_name.split()) == 4 for p in people)
    assert all(" Thị " not in f" {p.full_name} " for p in people if p.sex == "male")
    assert any(p.id_number == "" for p in people) and any(len(p.id_number) == 9 for p in people)


@pytest.mark.django_db
def test_the_generate_command_prints_how_many(capsys):
    call_command("registry", "generate", "--count", "25", "--seed", "9")
    assert "Đã thêm 25 người" in capsys.readouterr().out
    assert InsuredPerson.objects.count() == 25


@pytest.mark.django_db
def test_the_demo_registry_loads_idempotently_and_prints_people_to_try(capsys):
    call_command("registry", "demo")
    first = capsys.readouterr().out
    count = InsuredPerson.objects.count()
    call_command("registry", "demo")
    second = capsys.readouterr().out
    assert count == len(services.DEMO_PEOPLE) + len(services.DEMO_NAMESAKES) + services.DEMO_BACKGROUND_COUNT
    assert InsuredPerson.objects.count() == count
    assert f"{count} mới" in first and f"{count} không đổi" in second
    for person in services.DEMO_PEOPLE:
        assert person.full_name in first and person.social_insurance_number in first
    assert "15/03/1990" in first and "001190012345" in first and "Thành phố Hà Nội" in first


@pytest.mark.django_db
def test_the_featured_demo_people_pass_the_rules_and_are_found_by_the_look_up():
    services.load_demo_registry()
    provinces = set(Province.objects.values_list("code", flat=True))
    for person in services.DEMO_PEOPLE:
        stored = InsuredPerson.objects.get(pk=person.social_insurance_number)
        assert check_record(as_raw(stored), province_codes=provinces, today=TODAY)[1] == []
        found = selectors.lookup(selectors.LookupQuery(
            province_code=person.province_code, full_name=person.full_name.upper(),
            date_of_birth=person.date_of_birth.replace(month=6) if person.birth_year_only else person.date_of_birth,
            id_number=person.id_number,
        ))
        assert found.social_insurance_number == person.social_insurance_number
    namesake = services.DEMO_NAMESAKES[0]
    assert not selectors.lookup(selectors.LookupQuery(
        province_code=namesake.province_code, full_name=namesake.full_name,
        date_of_birth=namesake.date_of_birth, id_number="",
    )).found


@pytest.mark.django_db
def test_a_negative_count_is_refused_by_the_command():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("registry", "generate", "--count", "-1")
    assert not InsuredPerson.objects.exists()
