"""Pure helpers: distances, the deterministic choice of office sites, Vietnamese order."""
import random

import pytest

from vssid.places.collation import vietnamese_sort_key
from vssid.places.geo import Site, choose_sites, haversine_km


def test_haversine_matches_known_distances():
    assert haversine_km(21.0287, 105.8523, 21.0287, 105.8523) == 0
    # Hoàn Kiếm lake to Bến Thành market: about 1,140 km as the crow flies.
    assert haversine_km(21.0287, 105.8523, 10.7725, 106.6980) == pytest.approx(1142, abs=5)
    # One degree of latitude is ~111.2 km everywhere.
    assert haversine_km(10, 106, 11, 106) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(10, 106, 11, 106) == haversine_km(11, 106, 10, 106)


def test_choose_sites_spreads_over_separate_groups():
    north = [Site(f"n{i}", 21 + i * 0.01, 105 + i * 0.01) for i in range(10)]
    south = [Site(f"s{i}", 10 + i * 0.01, 106 + i * 0.01) for i in range(10)]
    chosen = choose_sites(north + south, 2)
    assert sorted(site.key[0] for site in chosen) == ["n", "s"]
    assert all(site in north + south for site in chosen)


def test_choose_sites_is_deterministic_whatever_the_input_order():
    rng = random.Random(7)
    sites = [Site(f"{i:05d}", rng.uniform(10, 11), rng.uniform(106, 107), rng.choice([1.0, 2.0])) for i in range(200)]
    expected = choose_sites(sites, 6)
    for _ in range(3):
        shuffled = sites[:]
        rng.shuffle(shuffled)
        assert choose_sites(shuffled, 6) == expected
    assert len({site.key for site in expected}) == 6


def test_choose_sites_edge_cases():
    one = [Site("a", 10, 106)]
    assert choose_sites(one, 3) == one
    assert choose_sites([], 2) == []
    assert choose_sites(one, 0) == []


def test_vietnamese_order_puts_each_letter_in_its_place():
    words = ["Yên", "Đông", "Dương", "Ân", "An", "Ăn", "Ơn", "Ôn", "On", "Ưng", "Ung", "Bình", "Phường 2", "Phường 10", "phường 1"]
    assert sorted(words, key=vietnamese_sort_key) == [
        "An", "Ăn", "Ân", "Bình", "Dương", "Đông", "On", "Ôn", "Ơn", "phường 1", "Phường 10", "Phường 2",
        "Ung", "Ưng", "Yên",
    ]


def test_tones_only_break_ties_in_dictionary_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    assert sorted(["ma", "mạ", "má", "mã", "mả", "mà"], key=vietnamese_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # The letters decide before any tone does.
    assert sorted(["Bắc", "Bạc", "Bác"], key=vietnamese_sort_key) == ["Bác", "Bạc", "Bắc"]
    # A word that is the beginning of another comes first.
    assert sorted(["Bác Ái", "Bạc"], key=vietnamese_sort_key) == ["Bạc", "Bác Ái"]


def test_order_ignores_case_and_unicode_form():
    import unicodedata

    assert vietnamese_sort_key("Đà Nẵng") == vietnamese_sort_key("ĐÀ NẴNG")
    assert vietnamese_sort_key(unicodedata.normalize("NFD", "Hồ Chí Minh")) == vietnamese_sort_key("Hồ Chí Minh")
