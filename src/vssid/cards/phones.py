"""Số điện thoại di động: the number that receives the password and every OTP by SMS.

Stored E.164 (+84 and 9 digits). Accepted as people write it: 0912 345 678, 0912.345.678, +84 912 345
678, 84912345678, 0084…, even +84 (0) 912… Only current Vietnamese mobile ranges are accepted, as the
``phonenumbers`` metadata knows them (03, 05, 07, 08, 09 and the ranges actually allocated there):
credentials sent to a landline or a foreign number never arrive, and "the SMS never came" is the
first complaint about VssID.

The 11-digit mobile numbers (01xx…) were converted to 10 digits in the second half of 2018, by the
Ministry of Information and Communications' plan: 0162… became 032…, and so on. People still type the old
number from memory or an old contact, so the message gives them the new one.
"""
import phonenumbers

from .errors import invalid
from .text import normalize_text

COUNTRY_CODE = "84"
MOBILE_FIRST_DIGITS = ("3", "5", "7", "8", "9")
NATIONAL_SIGNIFICANT_LENGTH = 9  # a mobile number without its leading 0

# The 2018 conversion: old 4-digit prefix (with the 0) → new 3-digit prefix; the 7 digits after it
# stay the same. These are all the 11-digit mobile prefixes that were in use.
OLD_TO_NEW_MOBILE_PREFIXES: dict[str, str] = {
    # Viettel
    "0162": "032", "0163": "033", "0164": "034", "0165": "035",
    "0166": "036", "0167": "037", "0168": "038", "0169": "039",
    # MobiFone
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    # VinaPhone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    # Vietnamobile
    "0186": "056", "0188": "058",
    # Gmobile
    "0199": "059",
}

_SEPARATORS = frozenset(" .-‐‑–()/")


def normalize_mobile(raw: str | None) -> str:
    """``+84XXXXXXXXX`` for a current Vietnamese mobile number, or InvalidValue saying what is wrong."""
    national = _national_significant_number(raw)
    if national.startswith("1") and len(national) == 10 and "0" + national[:3] in OLD_TO_NEW_MOBILE_PREFIXES:
        new_prefix = OLD_TO_NEW_MOBILE_PREFIXES["0" + national[:3]]
        raise invalid("mobile_old_11_digit", new_number=_national_display(new_prefix[1:] + national[3:]))
    if national.startswith("2") and _number_type(national) == phonenumbers.PhoneNumberType.FIXED_LINE:
        raise invalid("mobile_landline")
    if len(national) != NATIONAL_SIGNIFICANT_LENGTH:
        raise invalid("mobile_length", count=len(national) + 1)
    if not national.startswith(MOBILE_FIRST_DIGITS):
        raise invalid("mobile_prefix")
    if _number_type(national) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise invalid("mobile_not_in_use", number=_national_display(national))
    return "+" + COUNTRY_CODE + national


def format_mobile_national(e164: str) -> str:
    """``+84912345678`` → ``0912 345 678``, the grouping printed on Vietnamese SIM cards and forms."""
    national = normalize_mobile(e164)[1 + len(COUNTRY_CODE):]
    return _national_display(national)


def _national_significant_number(raw: str | None) -> str:
    """The digits after +84 (or after the national 0), however the number was written."""
    text = "".join(char for char in normalize_text(raw or "") if char not in _SEPARATORS and not char.isspace())
    if not text:
        raise invalid("mobile_required")
    international = text.startswith("+")
    digits = text[1:] if international else text
    if not (digits.isascii() and digits.isdigit()):
        raise invalid("mobile_characters")
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    if international:
        if not digits.startswith(COUNTRY_CODE):
            raise invalid("mobile_not_vietnamese")
        digits = digits[len(COUNTRY_CODE):]
        # "+84 (0) 912 …": the national 0 written after the country code.
        return digits[1:] if digits.startswith("0") else digits
    if digits.startswith("0"):
        return digits[1:]
    # 84 and 9 digits (mobile) or 10 digits (old mobile, landline): the country code without "+".
    # A national number without its 0 has at most 10 digits, so the two cannot be confused.
    if digits.startswith(COUNTRY_CODE) and len(digits) in (11, 12):
        return digits[len(COUNTRY_CODE):]
    return digits


def _number_type(national: str) -> int:
    try:
        number = phonenumbers.parse("+" + COUNTRY_CODE + national, None)
    except phonenumbers.NumberParseException:
        return phonenumbers.PhoneNumberType.UNKNOWN
    if not phonenumbers.is_valid_number(number):
        return phonenumbers.PhoneNumberType.UNKNOWN
    return phonenumbers.number_type(number)


def _national_display(national: str) -> str:
    """``912345678`` → ``0912 345 678``."""
    with_zero = "0" + national
    return f"{with_zero[:4]} {with_zero[4:7]} {with_zero[7:]}"
