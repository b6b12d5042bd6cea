"""Reference codes: short, unguessable, typed back without confusion, with a check character.

Nine random symbols from Crockford's base-32 alphabet (45 bits: guessing a live code is hopeless at
any rate limit) and one check symbol computed mod 37, so a mistyped or swapped symbol is caught
before a database look-up. Shown in groups: ``K7Q4-M2XA-9R``.
"""
import io
import secrets

import segno

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U
CHECK_ALPHABET = ALPHABET + "*~$=U"  # Crockford's check symbols for values 32–36
RANDOM_LENGTH = 9
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# What people type for what they see: O for 0, I and L for 1.
_TYPED_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_symbol(body: str) -> str:
    value = 0
    for char in body:
        value = value * 32 + _VALUE[char]
    return CHECK_ALPHABET[value % 37]


def new_reference_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_symbol(body)


def normalize_reference_code(typed: str) -> str | None:
    """The canonical code for what a person typed or a scanner read, or None if it cannot be one."""
    cleaned = "".join(c for c in typed.upper() if not c.isspace() and c not in "-.")
    if len(cleaned) != RANDOM_LENGTH + 1:
        return None
    body, check = cleaned[:-1].translate(_TYPED_ALIASES), cleaned[-1]
    if check not in "*~$=U":
        check = check.translate(_TYPED_ALIASES)
    if any(c not in _VALUE for c in body) or check_symbol(body) != check:
        return None
    return body + check


def format_reference_code(code: str) -> str:
    """``K7Q4M2XA9R`` → ``K7Q4-M2XA-9R``."""
    return "-".join([code[0:4], code[4:8], code[8:]])


def reference_qr_svg(reference_code: str) -> str:
    """An SVG QR code of the canonical reference code (no dashes: the shortest payload)."""
    # make_qr, not make: segno.make picks a Micro QR for short payloads, which many phone scanners
    # and desk readers do not read.
    qr = segno.make_qr(reference_code, error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, border=4)
    return out.getvalue().decode("ascii")
