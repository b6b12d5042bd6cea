"""The BHYT QR code: hex-encoded Vietnamese fields, dd/mm/yyyy dates, '-' for nothing."""
from datetime import date

from vssid.cards.bhyt_qr import BhytQrData, parse_bhyt_qr
from vssid.cards.qr import parse_card_qr
from vssid.cards.synthetic import hex_utf8

NAME_HEX = hex_utf8("Trần Thị Bình")
ADDRESS_HEX = hex_utf8("Phường Hoàn Kiếm, Thành phố Hà Nội")
OLD_CARD = (
    f"HS4010120878811|{NAME_HEX}|07/09/2008|2|{ADDRESS_HEX}|01 - 009|01/01/2019|31/12/2025|15/12/2018|"
    "01012345678901|-|4| 01/01/2024|0123456789abcdef-0000|$"
)
NEW_CARD = (
    f"0120878811|{NAME_HEX}|1952|1|-|79 - 123|01/01/2024|-|-|-|-|4| 01/01/2029|fedcba9876543210-1234|4|"
    f"{hex_utf8('Bảo hiểm xã hội Thành phố Hồ Chí Minh').upper()}|$"
)


def with_field(index: int, value: str, text: str = OLD_CARD) -> str:
    fields = text.split("|")
    fields[index] = value
    return "|".join(fields)


def test_the_hex_name_example_of_the_spec_decodes():
    assert NAME_HEX.startswith("5472e1baa76e")


def test_an_old_card_becomes_the_json_contract():
    assert parse_card_qr(OLD_CARD).to_json_dict() == {
        "kind": "bhyt",
        "card_number": "HS4010120878811",
        "social_insurance_number": "0120878811",
        "object_code": "HS",
        "benefit_level": 4,
        "province_code": "01",
        "full_name": "Trần Thị Bình",
        "date_of_birth": "2008-09-07",
        "sex": "female",
        "address": "Phường Hoàn Kiếm, Thành phố Hà Nội",
        "initial_clinic_code": "01009",
        "valid_from": "2019-01-01",
        "valid_to": "2025-12-31",
        "issue_date": "2018-12-15",
        "check_string": "0123456789abcdef-0000",
    }


def test_a_new_card_with_ten_digits_and_a_year_only_birth_date():
    card = parse_card_qr(NEW_CARD)
    assert isinstance(card, BhytQrData)
    assert card.to_json_dict() == {
        "kind": "bhyt",
        "card_number": "0120878811",
        "social_insurance_number": "0120878811",
        "object_code": None,
        "benefit_level": None,
        "province_code": None,
        "full_name": "Trần Thị Bình",
        "date_of_birth": "1952",
        "sex": "male",
        "address": None,
        "initial_clinic_code": "79123",
        "valid_from": "2024-01-01",
        "valid_to": None,
        "issue_date": None,
        "check_string": "fedcba9876543210-1234",
    }
    assert (card.date_of_birth, card.birth_year) == (None, 1952)
    assert card.issuing_place == "Bảo hiểm xã hội Thành phố Hồ Chí Minh"


def test_fields_outside_the_json_contract_are_kept_on_the_dataclass():
    card = parse_bhyt_qr(with_field(10, hex_utf8("Trần Văn An")))
    assert card.management_code == "01012345678901"
    assert card.parent_name == "Trần Văn An"
    assert card.continuous_five_years_from == date(2024, 1, 1)


def test_upper_case_hex_decodes_the_same():
    assert parse_bhyt_qr(with_field(1, NAME_HEX.upper())).full_name == "Trần Thị Bình"


def test_a_missing_end_mark_and_scanner_line_endings_are_tolerated():
    assert parse_bhyt_qr(OLD_CARD[: -len("|$")]) == parse_bhyt_qr(OLD_CARD)
    assert parse_bhyt_qr(OLD_CARD + "\r\n") == parse_bhyt_qr(OLD_CARD)
    assert parse_bhyt_qr(OLD_CARD + "|") == parse_bhyt_qr(OLD_CARD)


def test_hex_that_is_not_utf8_is_unknown_never_guessed():
    assert parse_bhyt_qr(with_field(1, "c328")).full_name is None  # an invalid UTF-8 sequence
    assert parse_bhyt_qr(with_field(1, "547")).full_name is None  # odd length
    assert parse_bhyt_qr(with_field(1, "Trần Thị Bình")).full_name is None  # not hex at all
    assert parse_bhyt_qr(with_field(4, "-")).address is None


def test_the_card_number_itself_is_never_hex_decoded():
    assert parse_bhyt_qr(with_field(0, "3031323334")).card_number == "3031323334"


def test_placeholders_are_null():
    card = parse_bhyt_qr(with_field(5, "-", with_field(7, "-", with_field(13, "-"))))
    assert (card.initial_clinic_code, card.valid_to, card.check_string) == (None, None, None)


def test_fewer_than_fourteen_fields_is_refused(refused):
    error = refused("bhyt_qr_field_count", parse_bhyt_qr, "|".join(OLD_CARD.split("|")[:10]))
    assert error.params == {"count": 10, "minimum": 14}


def test_an_invalid_card_number_is_refused(refused):
    refused("bhyt_qr_card_number", parse_card_qr, with_field(0, "HS40101208788"))


def test_benefit_level_must_be_1_to_5(refused):
    refused("bhyt_qr_benefit_level", parse_card_qr, with_field(0, "HS0010120878811"))


def test_an_unreadable_birth_date_is_refused(refused):
    refused("bhyt_qr_date_of_birth", parse_bhyt_qr, with_field(2, "31/02/2008"))
    refused("bhyt_qr_date_of_birth", parse_bhyt_qr, with_field(2, "-"))


def test_sex_must_be_1_or_2(refused):
    refused("bhyt_qr_sex", parse_bhyt_qr, with_field(3, "0"))


def test_the_clinic_must_be_province_and_facility_digits(refused):
    refused("bhyt_qr_clinic", parse_bhyt_qr, with_field(5, "01 - 0A9"))
    refused("bhyt_qr_clinic", parse_bhyt_qr, with_field(5, "01 - 00009"))


def test_validity_and_issue_dates_must_be_real(refused):
    refused("bhyt_qr_valid_from", parse_bhyt_qr, with_field(6, "2019"))
    refused("bhyt_qr_valid_to", parse_bhyt_qr, with_field(7, "31/13/2025"))
    refused("bhyt_qr_issue_date", parse_bhyt_qr, with_field(8, "15-12-2018"))


def test_a_validity_that_ends_before_it_starts_is_refused(refused):
    refused("bhyt_qr_validity_order", parse_bhyt_qr, with_field(7, "31/12/2018"))
