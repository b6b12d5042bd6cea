"""The first three digits of a CCCD number: where the birth was registered.

Source: Phụ lục I of TT 07/2016/TT-BCA, "Danh mục mã tỉnh, thành phố trực thuộc trung ương nơi công dân
đăng ký khai sinh". These are the 63 provinces that existed before the 2025 merger (NQ 202/2025/QH15).
They stay valid forever because a personal number never changes; new numbers keep being issued
under them until the Ministry of Public Security publishes otherwise.

The codes are the two-digit statistical province codes (the GSO list) with a leading 0, which is
why they have gaps: 003, 005, 007 … belonged to nothing in 2016.

The same three digits may instead be the *country* where the birth was registered (a Vietnamese
citizen born and registered abroad). TT 07/2016 names that case, but the list of country codes is
not published with it. What we accept, and why:
- the 63 province codes above;
- any code from 100 to 999, as a possible country code: refusing it could lock out a real citizen,
  and nothing public lets us tell a real country code from a typo there;
- not 000, and not the unassigned codes of the province block (001–099 outside the list): every
  province code starts with 0, so a country code there would be ambiguous with the province
  scheme, and a number starting 003 or 097 is almost certainly a typo worth a second look.
"""

PROVINCE_CODES_2016: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}


def is_province_code(code: str) -> bool:
    return code in PROVINCE_CODES_2016


def is_possible_country_code(code: str) -> bool:
    """Outside the province block (see the module docstring for why this is all we can say)."""
    return len(code) == 3 and code.isascii() and code.isdigit() and code[0] != "0"


def is_birth_registration_place_code(code: str) -> bool:
    return is_province_code(code) or is_possible_country_code(code)


def province_name(code: str) -> str | None:
    """The pre-2025 province a CCCD's first three digits name, or None for a country code."""
    return PROVINCE_CODES_2016.get(code)
