"""The CCCD QR code: the 7-field text, strict where the format is known, tolerant of scanners."""
import unicodedata
from datetime import date

from vssid.cards.cccd_qr import CccdQrData, parse_cccd_qr
from vssid.cards.qr import parse_card_qr

BINH_QR = "001190012345||Trần Thị Bình|15031990|Nữ|Số 12 Hàng Bông, Phường Hoàn Kiếm, Thành phố Hà Nội|01022021"


def with_field(index: int, value: str, text: str = BINH_QR) -> str:
    fields = text.split("|")
    fields[index] = value
    return "|".join(fields)


def test_the_seven_fields_become_the_json_contract():
    assert parse_card_qr(BINH_QR).to_json_dict() == {
        "kind": "cccd",
        "id_number": "001190012345",
        "old_id_number": None,
        "full_name": "Trần Thị Bình",
        "date_of_birth": "1990-03-15",
        "sex": "female",
        "address": "Số 12 Hàng Bông, Phường Hoàn Kiếm, Thành phố Hà Nội",
        "issue_date": "2021-02-01",
        "extra_fields": [],
    }


def test_the_result_is_a_typed_dataclass():
    card = parse_cccd_qr(BINH_QR)
    assert isinstance(card, CccdQrData)
    assert (card.date_of_birth, card.issue_date, card.sex) == (date(1990, 3, 15), date(2021, 2, 1), "female")


def test_the_cr_lf_that_hardware_scanners_append_is_ignored():
    assert parse_cccd_qr(BINH_QR + "\r\n") == parse_cccd_qr(BINH_QR)
    assert parse_cccd_qr("\ufeff" + BINH_QR + "\t") == parse_cccd_qr(BINH_QR)


def test_an_old_cmnd_number_is_kept():
    assert parse_cccd_qr(with_field(1, "012345678")).old_id_number == "012345678"
    assert parse_cccd_qr(with_field(1, "-")).old_id_number is None


def test_fields_after_the_seventh_are_kept_raw_and_never_fail_the_parse():
    text = BINH_QR + "|abc|  x   y |" + "|0"
    card = parse_cccd_qr(text)
    assert card.extra_fields == ("abc", "x y", "", "0")
    assert card.to_json_dict()["extra_fields"] == ["abc", "x y", "", "0"]


def test_a_trailing_separator_is_not_an_extra_field():
    assert parse_cccd_qr(BINH_QR + "|").extra_fields == ()


def test_text_comes_out_nfc_with_whitespace_collapsed():
    decomposed = with_field(2, "  " + unicodedata.normalize("NFD", "Trần  Thị Bình"))
    assert parse_cccd_qr(decomposed).full_name == "Trần Thị Bình"


def test_the_sex_word_is_read_whatever_its_case_or_diacritics():
    assert parse_cccd_qr(with_field(4, "NỮ")).sex == "female"
    assert parse_cccd_qr(with_field(4, "Nu")).sex == "female"
    assert parse_cccd_qr(with_field(4, "nam", with_field(0, "001090012345"))).sex == "male"


def test_an_empty_or_placeholder_address_is_null():
    assert parse_cccd_qr(with_field(5, "")).address is None
    assert parse_cccd_qr(with_field(5, "-")).to_json_dict()["address"] is None


def test_a_two_level_address_of_a_card_issued_after_july_2025_is_kept():
    assert parse_cccd_qr(with_field(5, "Phường Hoàn Kiếm, Thành phố Hà Nội")).address == (
        "Phường Hoàn Kiếm, Thành phố Hà Nội"
    )


def test_fewer_than_seven_fields_is_refused(refused):
    assert refused("cccd_qr_field_count", parse_cccd_qr, "001190012345||Trần Thị Bình|15031990|Nữ").params == {
        "count": 5
    }


def test_an_invalid_cccd_number_is_refused(refused):
    refused("cccd_qr_id_number", parse_card_qr, with_field(0, "003190012345"))
    refused("cccd_qr_id_number", parse_cccd_qr, with_field(0, "00119001234"))


def test_a_number_disagreeing_with_the_date_of_birth_or_sex_in_the_same_code_is_refused(refused):
    refused("cccd_qr_id_number_mismatch", parse_card_qr, with_field(3, "15031991"))
    refused("cccd_qr_id_number_mismatch", parse_card_qr, with_field(4, "Nam"))


def test_an_invalid_old_cmnd_number_is_refused(refused):
    refused("cccd_qr_old_id_number", parse_cccd_qr, with_field(1, "12345"))


def test_a_missing_name_is_refused(refused):
    refused("cccd_qr_full_name", parse_cccd_qr, with_field(2, " "))


def test_dates_must_be_real_ddmmyyyy_dates(refused):
    refused("cccd_qr_date_of_birth", parse_cccd_qr, with_field(3, "31021990"))
    refused("cccd_qr_date_of_birth", parse_cccd_qr, with_field(3, "15/03/1990"))
    refused("cccd_qr_issue_date", parse_cccd_qr, with_field(6, "2021"))


def test_an_issue_date_before_the_birth_is_refused(refused):
    refused("cccd_qr_issue_date", parse_cccd_qr, with_field(6, "01011980"))


def test_an_unreadable_sex_is_refused(refused):
    refused("cccd_qr_sex", parse_cccd_qr, with_field(4, "X"))
    refused("cccd_qr_sex", parse_cccd_qr, with_field(4, "Ná»¯"))
