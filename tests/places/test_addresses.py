"""Card addresses matched to the 2025 communes, without any network look-up."""
import socket

import pytest

from vssid.places.addresses import match_address


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The package's converter can call an online geocoder: prove we never go near it."""
    def refuse(*args, **kwargs):
        raise AssertionError("address matching tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_a_2025_address_names_its_commune():
    match = match_address("Tổ 5, Phường Hoàn Kiếm, Thành phố Hà Nội")
    assert (match.province_code, match.commune_code, match.street) == ("01", "00070", "Tổ 5")


def test_an_old_ward_that_became_one_commune_maps_to_it():
    match = match_address("Thôn 3, Xã Ea Tu, Thành phố Buôn Ma Thuột, Tỉnh Đắk Lắk")
    assert match.province_code == "66"
    assert match.commune_code == "24163"  # Phường Tân An
    assert match.street == "Thôn 3"


def test_an_old_ward_split_among_communes_asks_the_citizen():
    match = match_address("Số 12 Hàng Bông, Phường Hàng Trống, Quận Hoàn Kiếm, Hà Nội")
    assert match.is_ambiguous
    assert match.commune_code is None
    assert set(match.candidate_commune_codes) == {"00070", "00082"}  # Hoàn Kiếm, Cửa Nam


def test_an_old_province_maps_to_the_merged_one():
    match = match_address("Ấp 2, Xã Tân Thạnh, Huyện Thới Lai, Thành phố Cần Thơ")
    assert match.province_code == "92"


@pytest.mark.parametrize("text", ["", "   ", "rubbish", "|||", "123456"])
def test_text_that_is_no_address_matches_nothing(text):
    match = match_address(text)
    assert match.province_code is None and match.commune_code is None and not match.candidate_commune_codes
