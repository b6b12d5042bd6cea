"""The registry table: the folded name is filled on every write path, and the look-up is one indexed
equality query that behaves the same on SQLite and PostgreSQL (run the suite on both)."""
import unicodedata
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from vssid.registry import selectors, services
from vssid.registry.models import InsuredPerson
from vssid.registry.selectors import LookupQuery

from tests.registry.helpers import AN, person

pytestmark = pytest.mark.django_db


def query(**changes) -> LookupQuery:
    values = {"province_code": "79", "full_name": "Nguyễn Văn An", "date_of_birth": date(1985, 9, 2),
              "id_number": "079085001234", **changes}
    return LookupQuery(**values)


def test_save_fills_the_folded_name():
    saved = InsuredPerson.objects.create(
        social_insurance_number="0100000001", full_name="Đặng Thị Ngọc", date_of_birth=date(1990, 1, 2),
        sex="female", province_id="01",
    )
    assert InsuredPerson.objects.get(pk=saved.pk).full_name_folded == "dang thi ngoc"


def test_saving_only_the_name_also_saves_its_folded_form():
    saved = InsuredPerson.objects.create(
        social_insurance_number="0100000001", full_name="Đặng Thị Ngọc", date_of_birth=date(1990, 1, 2),
        sex="female", province_id="01",
    )
    saved.full_name = "Đỗ Thị Ngọc"
    saved.save(update_fields=["full_name"])
    assert InsuredPerson.objects.get(pk=saved.pk).full_name_folded == "do thi ngoc"


def test_bulk_writes_fill_the_folded_name(add_people):
    add_people(person(full_name="NGUYỄN VĂN AN"))
    assert InsuredPerson.objects.get().full_name_folded == "nguyen van an"


def test_a_row_without_a_folded_name_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        InsuredPerson.objects.bulk_create([InsuredPerson(
            social_insurance_number="0100000001", full_name="Ngọc", full_name_folded="",
            date_of_birth=date(1990, 1, 2), sex="female", province_id="01",
        )])


def test_the_lookup_index_covers_province_folded_name_and_date_of_birth():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, InsuredPerson._meta.db_table)
    assert constraints["registry_lookup_idx"]["index"]
    assert constraints["registry_lookup_idx"]["columns"] == ["province_id", "full_name_folded", "date_of_birth"]


def test_the_lookup_query_seeks_the_index_on_all_three_columns(add_people):
    add_people(AN, person(social_insurance_number="7900000001", full_name="Trần Văn Bình"))
    sql, params = selectors.lookup_statement(query())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two rows are cheaper to scan than to index: ask the planner what it does at scale.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
            conditions = [line for line in plan if "Index Cond" in line]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = [str(row[-1]) for row in cursor.fetchall()]
            conditions = [line for line in plan if "USING INDEX registry_lookup_idx" in line]
    assert sum("registry_lookup_idx" in line for line in plan) == 2, plan  # one seek per branch
    assert len(conditions) == 2 and all(
        "province_id" in c and "full_name_folded" in c and "date_of_birth" in c for c in conditions), plan


@pytest.mark.parametrize("typed", ["nguyen van an", "NGUYỄN VĂN AN", "Nguyễn  Văn   An",
                                   unicodedata.normalize("NFD", "Nguyễn Văn An")])
def test_case_diacritics_spaces_and_decomposed_input_all_match_in_the_database(add_people, typed):
    add_people(AN)
    assert selectors.lookup(query(full_name=typed)).social_insurance_number == AN.social_insurance_number


def test_d_with_stroke_folds_to_d_on_both_sides(add_people):
    add_people(person(full_name="Đỗ Đức Đạt"))
    assert selectors.lookup(query(full_name="do duc dat")).found
    assert selectors.lookup(query(full_name="DO DUC DAT")).found


def test_the_folded_column_is_compared_exactly_not_by_prefix(add_people):
    add_people(person(full_name="Nguyễn Văn Anh"))
    assert not selectors.lookup(query(full_name="Nguyễn Văn An")).found


def test_upsert_counts_created_updated_and_unchanged(add_people):
    first = services.upsert_records([AN])
    again = services.upsert_records([AN])
    changed = services.upsert_records([person(phone="+84912345678")])
    assert (first.created, again.unchanged, changed.updated) == (1, 1, 1)
    assert InsuredPerson.objects.get().phone == "+84912345678"
