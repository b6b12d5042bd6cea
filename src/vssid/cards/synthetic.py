"""Synthetic people, numbers and QR texts that respect the real structures, for tests and demo data.

Everything takes a ``random.Random`` so a seed gives the same person every time (hypothesis drives it
with ``st.randoms()``). Nothing here is a real person's data: names are drawn from common Vietnamese
family, middle and given names, numbers from the real structures with random tails.

The builders are the inverse of the parsers: ``build_cccd_qr_text`` writes what a CCCD's QR code
holds, ``build_bhyt_qr_text`` what a BHYT card's holds (hex-encoding its Vietnamese fields as the
real cards do), so other packages can render them as QR images and read them back.
"""
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .birth_places import PROVINCE_CODES_2016
from .dates import MINIMUM_AGE
from .identity import century_sex_digit

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Đoàn", "Lương",
)
MIDDLE_NAMES = {
    "male": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân", "Đình", "Ngọc"),
    "female": ("Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Mai", "Phương", "Kim", "Thùy", "Diệu"),
}
GIVEN_NAMES = {
    "male": ("An", "Bình", "Cường", "Dũng", "Đạt", "Hùng", "Khoa", "Long", "Nam", "Phúc",
             "Quân", "Sơn", "Tuấn", "Việt", "Hiếu", "Đông", "Thắng", "Trung", "Khải", "Lộc"),
    "female": ("Anh", "Chi", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung",
               "Thảo", "Trang", "Vy", "Yến", "Đào", "Hằng", "Loan", "Uyên", "Quỳnh", "Duyên"),
}
# Streets and 2025 communes/wards with their province (NQ 202/2025/QH15: no district level).
STREETS = ("Hàng Bông", "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Lý Thường Kiệt", "Hai Bà Trưng",
           "Điện Biên Phủ", "Quang Trung", "Nguyễn Huệ", "Phan Đình Phùng")
COMMUNES = (
    ("Phường Hoàn Kiếm", "Thành phố Hà Nội"),
    ("Phường Ba Đình", "Thành phố Hà Nội"),
    ("Phường Sài Gòn", "Thành phố Hồ Chí Minh"),
    ("Phường Bến Thành", "Thành phố Hồ Chí Minh"),
    ("Phường Hải Châu", "Thành phố Đà Nẵng"),
    ("Phường Thuận Hóa", "Thành phố Huế"),
    ("Xã Đông Anh", "Thành phố Hà Nội"),
    ("Phường Vinh Phú", "Tỉnh Nghệ An"),
)
# Prefixes of the big operators' mobile ranges, all valid in the phonenumbers metadata (a test
# checks that): Viettel 032–039, 086, 096–098; MobiFone 070, 076–079, 090, 093; VinaPhone 081–085,
# 088, 091, 094; Vietnamobile 056, 058.
MOBILE_PREFIXES = (
    "32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98",
    "70", "76", "77", "78", "79", "90", "93",
    "81", "82", "83", "84", "85", "88", "91", "94",
    "56", "58",
)
# BHYT beneficiary groups commonly seen on cards (QĐ 1351/QĐ-BHXH): workers, civil servants,
# pensioners, pupils, students, children under 6, household members.
BHYT_OBJECT_CODES = ("DN", "HC", "HT", "HS", "SV", "TE", "GD")


def random_cccd(date_of_birth: date, sex: str, rng: random.Random, *, place_code: str | None = None) -> str:
    """A 12-digit number that agrees with the date of birth and sex, registered in a real province."""
    place = place_code or rng.choice(sorted(PROVINCE_CODES_2016))
    year = date_of_birth.year
    return f"{place}{century_sex_digit(year, sex)}{year % 100:02d}{rng.randrange(10**6):06d}"


def random_cmnd(rng: random.Random) -> str:
    """A 9-digit CMND number (its first digits were a province code of the old scheme; not checked)."""
    return f"{rng.randrange(10, 40):02d}{rng.randrange(10**7):07d}"


def random_social_insurance_number(rng: random.Random) -> str:
    """10 digits. Real numbers usually start with the issuing province's 2-digit code; nothing checks
    it, but the synthetic ones follow it so they look right."""
    province = rng.choice(sorted(PROVINCE_CODES_2016))[1:]
    return f"{province}{rng.randrange(10**8):08d}"


def random_bhyt_card_number(rng: random.Random, social_insurance_number: str, *, old_format: bool = True) -> str:
    """A 15-character card (group, benefit level 1–5, province) or, on new cards, the 10 digits."""
    if not old_format:
        return social_insurance_number
    return f"{rng.choice(BHYT_OBJECT_CODES)}{rng.randint(1, 5)}{social_insurance_number[:2]}{social_insurance_number}"


def random_mobile(rng: random.Random) -> str:
    """A current Vietnamese mobile number in E.164 (+84 and 9 digits)."""
    return f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def random_full_name(sex: str, rng: random.Random) -> str:
    """Family name, one middle name, given name: "Đặng Thị Thảo"."""
    return " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE_NAMES[sex]), rng.choice(GIVEN_NAMES[sex])))


def random_date_of_birth(
    rng: random.Random, *, today: date, minimum_age: int = MINIMUM_AGE, maximum_age: int = 90
) -> date:
    """A date of birth giving an age between ``minimum_age`` and ``maximum_age`` on ``today``."""
    youngest = _years_before(today, minimum_age)
    oldest = _years_before(today, maximum_age + 1) + timedelta(days=1)
    return oldest + timedelta(days=rng.randrange((youngest - oldest).days + 1))


def random_address(rng: random.Random) -> str:
    commune, province = rng.choice(COMMUNES)
    return f"Số {rng.randint(1, 200)} {rng.choice(STREETS)}, {commune}, {province}"


def hex_utf8(text: str, *, uppercase: bool = False) -> str:
    """Text as the hex of its UTF-8 bytes, as BHYT cards encode names and addresses."""
    encoded = text.encode("utf-8").hex()
    return encoded.upper() if uppercase else encoded


def build_cccd_qr_text(
    *,
    id_number: str,
    full_name: str,
    date_of_birth: date,
    sex: str,
    address: str,
    issue_date: date,
    old_id_number: str = "",
    extra_fields: Sequence[str] = (),
) -> str:
    """``số CCCD|số CMND cũ|Họ và tên|DDMMYYYY|Nam/Nữ|nơi thường trú|DDMMYYYY``, plus any extra fields."""
    fields = [
        id_number,
        old_id_number,
        full_name,
        date_of_birth.strftime("%d%m%Y"),
        {"male": "Nam", "female": "Nữ"}[sex],
        address,
        issue_date.strftime("%d%m%Y"),
        *extra_fields,
    ]
    return "|".join(fields)


def build_bhyt_qr_text(
    *,
    card_number: str,
    full_name: str,
    date_of_birth: date | int,
    sex: str,
    address: str | None = None,
    initial_clinic_code: str = "01009",
    valid_from: date | None = None,
    valid_to: date | None = None,
    issue_date: date | None = None,
    management_code: str = "-",
    parent_name: str | None = None,
    continuous_five_years_from: date | None = None,
    check_string: str = "-",
    new_card: bool = False,
    issuing_place: str | None = None,
    uppercase_hex: bool = False,
) -> str:
    """A BHYT QR text: 15 parts with the closing ``$`` for an old card, 17 for a new one.

    ``date_of_birth`` may be a year alone, as on cards of people whose day of birth is unknown.
    """
    def hexed(text: str | None) -> str:
        return hex_utf8(text, uppercase=uppercase_hex) if text else "-"

    def slashed(value: date | None) -> str:
        return value.strftime("%d/%m/%Y") if value else "-"

    birth = f"{date_of_birth:04d}" if isinstance(date_of_birth, int) else slashed(date_of_birth)
    fields = [
        card_number,
        hexed(full_name),
        birth,
        {"male": "1", "female": "2"}[sex],
        hexed(address),
        f"{initial_clinic_code[:2]} - {initial_clinic_code[2:]}" if initial_clinic_code else "-",
        slashed(valid_from),
        slashed(valid_to),
        slashed(issue_date),
        management_code,
        hexed(parent_name),
        "4",
        # Real cards show a leading space before this date.
        " " + slashed(continuous_five_years_from),
        check_string,
    ]
    if new_card:
        fields += ["4", hexed(issuing_place)]
    return "|".join(fields + ["$"])


@dataclass(frozen=True)
class SyntheticPerson:
    """A made-up citizen whose numbers all agree with each other."""

    full_name: str
    sex: str
    date_of_birth: date
    cccd: str
    social_insurance_number: str
    mobile: str
    address: str
    cccd_issue_date: date

    def cccd_qr_text(self, *, extra_fields: Sequence[str] = ()) -> str:
        return build_cccd_qr_text(
            id_number=self.cccd,
            full_name=self.full_name,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            address=self.address,
            issue_date=self.cccd_issue_date,
            extra_fields=extra_fields,
        )

    def bhyt_qr_text(self, rng: random.Random, *, new_card: bool = False) -> str:
        valid_from = date(self.cccd_issue_date.year, 1, 1)
        return build_bhyt_qr_text(
            card_number=random_bhyt_card_number(rng, self.social_insurance_number, old_format=not new_card),
            full_name=self.full_name,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            address=self.address,
            initial_clinic_code=f"{self.social_insurance_number[:2]}{rng.randrange(1, 1000):03d}",
            valid_from=valid_from,
            valid_to=date(valid_from.year + 4, 12, 31),
            issue_date=valid_from,
            management_code=f"{rng.randrange(10**14):014d}",
            continuous_five_years_from=date(valid_from.year + 5, valid_from.month, 1),
            check_string=f"{rng.randrange(16**16):016x}-{rng.randrange(16**4):04x}",
            new_card=new_card,
            issuing_place="Bảo hiểm xã hội Thành phố Hà Nội" if new_card else None,
        )


def random_person(rng: random.Random, *, today: date) -> SyntheticPerson:
    """An adult (15–90) with a CCCD that agrees with their date of birth and sex."""
    sex = rng.choice(("male", "female"))
    date_of_birth = random_date_of_birth(rng, today=today)
    # CCCDs are issued from age 14 (the chip card from 2021), so the issue date follows both.
    earliest_issue = max(_years_after(date_of_birth, 14), date(2021, 1, 1))
    issue_date = earliest_issue + timedelta(days=rng.randrange(max((today - earliest_issue).days, 0) + 1))
    return SyntheticPerson(
        full_name=random_full_name(sex, rng),
        sex=sex,
        date_of_birth=date_of_birth,
        cccd=random_cccd(date_of_birth, sex, rng),
        social_insurance_number=random_social_insurance_number(rng),
        mobile=random_mobile(rng),
        address=random_address(rng),
        cccd_issue_date=min(issue_date, today),
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
