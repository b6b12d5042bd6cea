"""Text as people type it and as scanners read it, made comparable.

Vietnamese can be typed precomposed (NFC, what Telex/VNI keyboards on phones produce) or decomposed
(NFD, what macOS and some older Windows keyboards produce): "Nguyễn" may be 6 or 8 code points.
Everything is stored NFC so that equality, length limits and database look-ups behave.
"""
import unicodedata

# Kinds of characters that carry no text: format characters (zero-width space, byte-order mark,
# soft hyphen, bidi marks, pasted from web pages and PDFs) and lone surrogates (undecodable bytes
# smuggled through Python's surrogateescape). They are dropped.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cs"})

# đ/Đ has no decomposition in Unicode (the stroke is not a combining mark), so NFD leaves it alone:
# it needs an explicit mapping. Ð/ð (Icelandic eth) looks the same and is what some legacy
# Vietnamese encodings (VNI, TCVN3 converted carelessly) produce for Đ, so it folds the same way.
_D_WITH_STROKE = str.maketrans({"đ": "d", "ð": "d"})

# Dashes people and printers put between groups of a number.
_NUMBER_SEPARATORS = frozenset(" .-‐‑‒–—")


def normalize_text(s: str) -> str:
    """NFC, no control or invisible characters, single spaces, no leading or trailing space.

    Control characters that are whitespace (tab, CR/LF that hardware scanners append) become a
    space, so two words never merge; the other control characters are dropped.
    """
    kept = []
    for char in s:
        category = unicodedata.category(char)
        if category in _INVISIBLE_CATEGORIES:
            continue
        if category == "Cc":
            if char.isspace():
                kept.append(" ")
            continue
        kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def fold(s: str) -> str:
    """A comparison key that ignores case and diacritics: ``fold("Đặng Thị Ngọc") == "dang thi ngoc"``.

    For matching a typed name against a record (look-ups, de-duplication), never for storage.
    """
    lowered = normalize_text(s).casefold().translate(_D_WITH_STROKE)
    bare = "".join(
        char for char in unicodedata.normalize("NFD", lowered) if not unicodedata.category(char).startswith("M")
    )
    # Casefolding a character can create a new one that itself folds further (rare, outside
    # Vietnamese); one more pass makes fold(fold(x)) == fold(x) hold for any text. Dropping a
    # combining mark that stood alone after a space can leave spaces to collapse again.
    refolded = unicodedata.normalize("NFC", bare).casefold().translate(_D_WITH_STROKE)
    return " ".join(refolded.split())


# Case-keeping counterpart of _D_WITH_STROKE, for text that is shown rather than compared.
_D_WITH_STROKE_KEEP_CASE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def unaccent(s: str) -> str:
    """The text without diacritics, case kept: ``unaccent("Đến BHXH cơ sở") == "Den BHXH co so"``.

    For SMS: BHXH's own messages are unaccented, because one Vietnamese letter outside the GSM 7-bit
    alphabet switches the whole message to UCS-2 and cuts a part from 160 to 70 characters. Text is
    normalised first (NFC, single spaces), as everywhere; characters with no unaccented form (ß,
    Chinese) are left for the caller to judge.
    """
    text = normalize_text(s).translate(_D_WITH_STROKE_KEEP_CASE)
    bare = "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.category(char).startswith("M"))
    # A combining mark that stood alone after a space leaves two spaces behind (see fold).
    return " ".join(unicodedata.normalize("NFC", bare).split())


def compact_code(raw: str | None) -> str:
    """A number or code as typed, without the spaces, dots and dashes people group it with.

    NFKC turns full-width digits and letters (from some Asian input methods) into ASCII; whatever
    else is left is for the caller to judge.
    """
    text = unicodedata.normalize("NFKC", normalize_text(raw or ""))
    return "".join(char for char in text if char not in _NUMBER_SEPARATORS and not char.isspace())


def is_ascii_digits(s: str) -> bool:
    """True for a non-empty string of 0–9 only (``str.isdigit`` also accepts ², ٣ and friends)."""
    return bool(s) and s.isascii() and s.isdigit()
