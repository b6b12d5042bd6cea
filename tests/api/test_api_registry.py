"""POST /api/v1/registry/lookup: the web page's rules and neutral answer, as JSON."""
import json

import pytest

URL = "/api/v1/registry/lookup"
BINH = {"province": "01", "full_name": "tran thi binh", "date_of_birth": "1990-03-15", "id_number": "001190012345"}


@pytest.fixture
def post(client, demo_people, settings):
    settings.VSSID_LOOKUP_RATE_PER_CLIENT = "100/h"
    settings.VSSID_LOOKUP_RATE_PER_PERSON = "100/h"
    from django.core.cache import cache

    cache.clear()

    def send(body, **extra):
        return client.post(URL, json.dumps(body), content_type="application/json", **extra)

    return send


def test_one_match_reveals_the_number_folding_case_and_diacritics(post):
    answer = post(BINH)
    assert answer.status_code == 200
    assert answer.json() == {"found": True, "social_insurance_number": "0123456789"}


def test_no_match_and_several_matches_get_the_same_answer(post):
    nobody = post({**BINH, "full_name": "Trần Thị Bính Xuân"})
    namesakes = post({"province": "31", "full_name": "Hoàng Văn Nam", "date_of_birth": "1992-07-04",
                      "no_id_document": True})
    assert nobody.status_code == namesakes.status_code == 200
    assert nobody.json() == namesakes.json() == {"found": False, "social_insurance_number": None}


def test_bad_answers_get_the_card_rules_codes(post):
    answer = post({**BINH, "full_name": "Tr4n", "id_number": "00119001234"})
    assert answer.status_code == 422
    codes = {(e["field"], e["code"]) for e in answer.json()["errors"]}
    assert ("full_name", "full_name_digits") in codes
    assert ("id_number", "id_number_length") in codes


def test_the_per_person_limit_answers_429(post, settings):
    settings.VSSID_LOOKUP_RATE_PER_PERSON = "2/h"
    assert post(BINH).status_code == 200
    assert post(BINH).status_code == 200
    limited = post(BINH)
    assert limited.status_code == 429
    assert limited.json()["errors"][0]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
