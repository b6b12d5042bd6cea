"""Where a birth was registered, in the 2025 provinces the registry and the look-up use.

A CCCD number starts with the pre-2025 province of birth registration (``cards.birth_places``: 63
provinces, codes that never change). Since 01/07/2025 (NQ 202/2025/QH15) those 63 provinces form
34; people still know their birth province by its old name. The registry stores the 2025 province
(``places.Province`` code) so the look-up offers one list of 34, each labelled with the old provinces
it absorbed.

The table below is the province level of the merger as the pinned ``vietnamadminunits`` package
records it (its ``DICT_PROVINCE``); ``tests/registry/test_birth_provinces.py`` checks it against that
package's data, so a new release that disagrees is noticed.
"""
from vssid.cards.birth_places import PROVINCE_CODES_2016

# pre-2025 CCCD place code → 2025 province code
PROVINCE_2025_OF_BIRTH_PLACE: dict[str, str] = {
    "001": "01", "002": "08", "004": "04", "006": "19", "008": "08", "010": "15", "011": "11",
    "012": "12", "014": "14", "015": "15", "017": "25", "019": "19", "020": "20", "022": "22",
    "024": "24", "025": "25", "026": "25", "027": "24", "030": "31", "031": "31", "033": "33",
    "034": "33", "035": "37", "036": "37", "037": "37", "038": "38", "040": "40", "042": "42",
    "044": "44", "045": "44", "046": "46", "048": "48", "049": "48", "051": "51", "052": "52",
    "054": "66", "056": "56", "058": "56", "060": "68", "062": "51", "064": "52", "066": "66",
    "067": "68", "068": "68", "070": "75", "072": "80", "074": "79", "075": "75", "077": "79",
    "079": "79", "080": "80", "082": "82", "083": "86", "084": "86", "086": "86", "087": "82",
    "089": "91", "091": "91", "092": "92", "093": "92", "094": "92", "095": "96", "096": "96",
}


def province_2025_of_birth_place(place_code: str) -> str | None:
    """``"002"`` (Hà Giang) → ``"08"`` (Tuyên Quang); None for a country code or an unknown one."""
    return PROVINCE_2025_OF_BIRTH_PLACE.get(place_code)


def former_province_names(province_code: str) -> list[str]:
    """The pre-2025 provinces that form a 2025 province, by their old names."""
    return [
        PROVINCE_CODES_2016[old]
        for old, new in sorted(PROVINCE_2025_OF_BIRTH_PLACE.items())
        if new == province_code
    ]
