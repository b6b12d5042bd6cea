"""Vietnamese alphabetical order for place names.

Databases disagree about Vietnamese: SQLite compares code points, so "Đà Nẵng" (Đ is U+0110) lands
after "Vĩnh Long"; PostgreSQL follows whatever collation the cluster was created with. Lists shown
to citizens (34 provinces, up to 168 communes of one province) are short, so they are sorted here,
the same way on every backend.

The order is the dictionary one: letters a ă â b c d đ e ê … o ô ơ … u ư …, then tones as a
tie-break (none, huyền, hỏi, ngã, sắc, nặng). Digraphs (ch, ng, nh…) are not treated as single
letters, as in Unicode's CLDR collation for Vietnamese.
"""
import functools
import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}

# Combining marks that make a different letter (ă â ê ô ơ ư) and those that only carry the tone.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@functools.lru_cache(maxsize=8192)  # pure; the 3,4k place names are sorted again on every page view
def vietnamese_sort_key(text: str) -> tuple:
    """A key for `sorted()` giving Vietnamese dictionary order, case-insensitively.

    Characters outside the alphabet (digits, spaces, hyphens) sort before letters, in code-point
    order, so "Phường 1" < "Phường 2" < "Phường An".
    """
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if unicodedata.combining(char):
            if char in _TONE_RANK and tones:
                tones[-1] = _TONE_RANK[char]
            elif letters and char in (_BREVE, _CIRCUMFLEX, _HORN):
                base = _ALPHABET[letters[-1][1]] if letters[-1][0] == 1 else ""
                composed = unicodedata.normalize("NFC", base + char)
                if composed in _LETTER_RANK:
                    letters[-1] = (1, _LETTER_RANK[composed])
            continue
        if char in _LETTER_RANK:
            letters.append((1, _LETTER_RANK[char]))
        else:
            letters.append((0, ord(char)))
        tones.append(0)
    return tuple(letters), tuple(tones)
