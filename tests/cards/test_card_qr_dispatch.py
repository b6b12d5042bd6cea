"""Telling a CCCD code from a BHYT code, and never failing with anything but InvalidValue."""
import random
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vssid.cards.bhyt_qr import BhytQrData
from vssid.cards.cccd_qr import CccdQrData
from vssid.cards.errors import InvalidValue
from vssid.cards.qr import detect_qr_kind, parse_card_qr
from vssid.cards.synthetic import random_person

TODAY = date(2025, 11, 25)
CCCD_QR = "001190012345||Trần Thị Bình|15031990|Nữ|Hà Nội|01022021"
BHYT_QR = "0120878811|5472e1baa76e|1952|1|-|01 - 009|-|-|-|-|-|4|-|-|$"


def test_each_kind_is_recognised():
    assert detect_qr_kind(CCCD_QR) == "cccd"
    assert detect_qr_kind(BHYT_QR) == "bhyt"
    assert isinstance(parse_card_qr(CCCD_QR), CccdQrData)
    assert isinstance(parse_card_qr(BHYT_QR), BhytQrData)


def test_a_damaged_code_is_still_recognised_by_its_other_fields():
    # The number is broken but the sex word marks a CCCD: the citizen hears what is wrong with it.
    assert detect_qr_kind("12345||Trần Thị Bình|15031990|Nữ|Hà Nội|01022021") == "cccd"
    # The card number is broken but the closing "$" marks a BHYT code.
    assert detect_qr_kind("XX|-|1952|1|$") == "bhyt"


def test_an_empty_text_is_refused(refused):
    refused("qr_empty", parse_card_qr, "")
    refused("qr_empty", parse_card_qr, " \r\n")
    refused("qr_empty", parse_card_qr, "||||||")


def test_text_mangled_by_a_wrong_code_page_is_refused_not_guessed(refused):
    refused("qr_encoding", parse_card_qr, CCCD_QR.replace("ầ", "\ufffd"))
    refused("qr_encoding", parse_card_qr, CCCD_QR.replace("ầ", "\udcc3"))


def test_text_of_another_kind_is_refused(refused):
    refused("qr_unknown_kind", parse_card_qr, "https://example.vn/")
    refused("qr_unknown_kind", parse_card_qr, "0120878811")  # a typed number, not a card's code
    refused("qr_unknown_kind", detect_qr_kind, "a|b|c")


def round_trip_person(seed: int):
    rng = random.Random(seed)
    return rng, random_person(rng, today=TODAY)


@given(st.integers(min_value=0, max_value=2**32))
def test_a_synthetic_cccd_code_parses_back_to_its_person(seed):
    _, person = round_trip_person(seed)
    card = parse_card_qr(person.cccd_qr_text())
    assert (card.id_number, card.full_name, card.date_of_birth, card.sex, card.address, card.issue_date) == (
        person.cccd, person.full_name, person.date_of_birth, person.sex, person.address, person.cccd_issue_date,
    )


@given(st.integers(min_value=0, max_value=2**32), st.booleans())
def test_a_synthetic_bhyt_code_parses_back_to_its_person(seed, new_card):
    rng, person = round_trip_person(seed)
    card = parse_card_qr(person.bhyt_qr_text(rng, new_card=new_card))
    assert (card.social_insurance_number, card.full_name, card.date_of_birth, card.sex, card.address) == (
        person.social_insurance_number, person.full_name, person.date_of_birth, person.sex, person.address,
    )
    assert (card.object_code is None) == new_card


# The parser's promise: whatever the text, a result or an InvalidValue, nothing else.

def parses_or_refuses(text: str) -> None:
    try:
        result = parse_card_qr(text)
    except InvalidValue as error:
        assert error.code and error.render()
    else:
        assert result.to_json_dict()["kind"] in ("cccd", "bhyt")


@given(st.text())
def test_random_text_never_raises_anything_but_invalid_value(text):
    parses_or_refuses(text)


@given(st.binary())
def test_random_bytes_read_as_latin_1_never_raise_anything_but_invalid_value(data):
    parses_or_refuses(data.decode("latin-1"))


@given(st.text(alphabet="|$- \r\n\t0123456789/abcdefABCDEF", max_size=200))
def test_runs_of_pipes_digits_and_hex_never_raise_anything_but_invalid_value(text):
    parses_or_refuses(text)


@st.composite
def mutated_payloads(draw):
    rng, person = round_trip_person(draw(st.integers(min_value=0, max_value=2**32)))
    payload = draw(st.sampled_from([
        person.cccd_qr_text(),
        person.cccd_qr_text(extra_fields=["", "x", "0123"]),
        person.bhyt_qr_text(rng),
        person.bhyt_qr_text(rng, new_card=True),
    ]))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(payload)))
        mutation = draw(st.sampled_from(["delete", "insert", "replace", "duplicate_field", "swap_fields", "truncate"]))
        if mutation == "delete":
            payload = payload[:position] + payload[position + draw(st.integers(1, 5)):]
        elif mutation == "insert":
            payload = payload[:position] + draw(st.text(max_size=5)) + payload[position:]
        elif mutation == "replace" and position < len(payload):
            payload = payload[:position] + draw(st.characters()) + payload[position + 1:]
        elif mutation == "truncate":
            payload = payload[:position]
        else:
            fields = payload.split("|")
            i = draw(st.integers(0, len(fields) - 1))
            j = draw(st.integers(0, len(fields) - 1))
            if mutation == "duplicate_field":
                fields.insert(i, fields[j])
            else:
                fields[i], fields[j] = fields[j], fields[i]
            payload = "|".join(fields)
    return payload


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_payloads())
def test_mutated_real_payloads_never_raise_anything_but_invalid_value(payload):
    parses_or_refuses(payload)
