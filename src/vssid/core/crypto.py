"""Personal data at rest: envelope encryption and keyed fingerprints (docs/encryption.md).

Envelope encryption: every value gets its own random 256-bit data key (DEK); the value is sealed
with AES-256-GCM under that DEK, with a label of where it belongs as associated data (a column,
"declarations.declaration.mobile_phone"), so a ciphertext copied into another column is refused.
The DEK is sealed in turn under a key-encryption key (KEK) from configuration, with the KEK's id as
associated data. Rotating a KEK therefore re-seals 60 bytes per value and never touches the value's
ciphertext (``rewrap``).

A text value is one ASCII token::

    v1.<key id>.<base64url(nonce ‖ wrapped DEK ‖ tag)>.<base64url(nonce ‖ ciphertext ‖ tag)>

Bytes (photos) keep the first three parts (the *key header*) in a column and the last part, raw,
in storage.

Fingerprints: HMAC-SHA256, under a key of their own, of an identifier normalised by its kind, so
"0912 345 678" and "+84912345678" give the same fingerprint; what equality look-ups and uniqueness
use instead of the encrypted column.

Keys come from settings (VSSID_DATA_KEYS, VSSID_FINGERPRINT_KEY; the first data key is current,
the others only open older values). Without them (development, tests) both are derived from
SECRET_KEY with HKDF, under distinct labels; settings refuses that in production.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vssid.cards.errors import InvalidValue
from vssid.cards.phones import normalize_mobile
from vssid.cards.text import compact_code

VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12
DEVELOPMENT_KEY_ID = "dev"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class DecryptionError(Exception):
    """A stored value cannot be opened: altered, moved from another column, or not a token.
    Never carries the value itself."""


class UnknownKeyError(DecryptionError):
    """The value was sealed under a key id that is not in VSSID_DATA_KEYS (removed too early)."""


# Keys --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, AESGCM]  # every configured KEK by id, the current one included
    fingerprint_key: bytes


def keyring() -> Keyring:
    """The keys of the current settings (cached per configuration, so overriding them works)."""
    return _keyring(tuple(settings.VSSID_DATA_KEYS), settings.VSSID_FINGERPRINT_KEY, settings.SECRET_KEY)


@lru_cache(maxsize=8)
def _keyring(data_keys: tuple[str, ...], fingerprint_key: str, secret_key: str) -> Keyring:
    if data_keys:
        parsed = [parse_key_line(line) for line in data_keys]
    else:
        parsed = [(DEVELOPMENT_KEY_ID, _derive(secret_key, b"vssid data key-encryption key"))]
    ids = [key_id for key_id, _key in parsed]
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("VSSID_DATA_KEYS names a key id twice.")
    if fingerprint_key:
        fingerprint = _decode_key(fingerprint_key, "VSSID_FINGERPRINT_KEY")
    else:
        fingerprint = _derive(secret_key, b"vssid fingerprint key")
    return Keyring(current_id=ids[0], keys={key_id: AESGCM(key) for key_id, key in parsed},
                   fingerprint_key=fingerprint)


def parse_key_line(line: str) -> tuple[str, bytes]:
    """``"2026a:<base64url of 32 bytes>"`` → (key id, key). Errors name the key id, never the key."""
    key_id, colon, encoded = line.strip().partition(":")
    if not colon or not _KEY_ID.fullmatch(key_id):
        raise ImproperlyConfigured(
            "Each VSSID_DATA_KEYS entry is <key id>:<base64url key>, the id of letters, digits, '-' or '_'.")
    return key_id, _decode_key(encoded, f"VSSID_DATA_KEYS key {key_id!r}")


def _decode_key(encoded: str, name: str) -> bytes:
    try:
        key = _b64decode(encoded.strip())
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name} is not base64.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must be {KEY_BYTES} bytes, not {len(key)}.")
    return key


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(secret.encode())


def generate_key_line(key_id: str) -> str:
    """A new ``id:key`` entry for VSSID_DATA_KEYS (or, without the id, a VSSID_FINGERPRINT_KEY)."""
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError("a key id is 1-32 letters, digits, '-' or '_'")
    return f"{key_id}:{_b64encode(os.urandom(KEY_BYTES))}"


def generate_fingerprint_key() -> str:
    return _b64encode(os.urandom(KEY_BYTES))


# Envelope ----------------------------------------------------------------------------------------

def seal_data_key() -> tuple[str, bytes]:
    """A fresh DEK and its key header ``v1.<key id>.<wrapped DEK>`` under the current KEK."""
    ring = keyring()
    data_key = AESGCM.generate_key(bit_length=256)
    return _wrap(ring, ring.current_id, data_key), data_key


def open_data_key(header: str) -> bytes:
    """The DEK of a key header; UnknownKeyError or DecryptionError when it cannot be opened."""
    key_id, wrapped = _split_header(header)
    kek = keyring().keys.get(key_id)
    if kek is None:
        raise UnknownKeyError(f"data key {key_id!r} is not configured in VSSID_DATA_KEYS")
    try:
        return kek.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _kek_context(key_id))
    except InvalidTag:
        raise DecryptionError(f"the data key sealed under {key_id!r} was altered") from None


def export_data_key(header: str) -> str:
    """The DEK of a key header as base64url without padding (a JWK's ``k``), for a client that
    decrypts that one value itself: the desk's browser (docs/storage.md). It opens that value and
    nothing else; hand it only to someone allowed to see the value, never log it."""
    return _b64encode(open_data_key(header))


def rewrap_header(header: str) -> str:
    """The same DEK sealed under the current KEK (the header itself when it already is)."""
    ring = keyring()
    key_id, _wrapped = _split_header(header)
    if key_id == ring.current_id:
        return header
    return _wrap(ring, ring.current_id, open_data_key(header))


def header_key_id(header: str) -> str:
    return _split_header(header)[0]


def encrypt_bytes(plaintext: bytes, *, label: str) -> tuple[str, bytes]:
    """(key header, nonce ‖ ciphertext ‖ tag) of ``plaintext`` bound to ``label``."""
    header, data_key = seal_data_key()
    return header, _seal(data_key, plaintext, label)


def decrypt_bytes(header: str, blob: bytes, *, label: str) -> bytes:
    data_key = open_data_key(header)
    try:
        return AESGCM(data_key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], label.encode())
    except InvalidTag:
        raise DecryptionError(f"a value of {label} was altered or belongs elsewhere") from None


def encrypt(plaintext: str, *, label: str) -> str:
    """The token of a text value, bound to ``label`` (a column)."""
    header, blob = encrypt_bytes(plaintext.encode(), label=label)
    return f"{header}.{_b64encode(blob)}"


def decrypt(token: str, *, label: str) -> str:
    header, dot, body = token.rpartition(".")
    if not dot:
        raise DecryptionError(f"a value of {label} is not an encrypted token")
    try:
        blob = _b64decode(body)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"a value of {label} is not an encrypted token") from None
    return decrypt_bytes(header, blob, label=label).decode()


def rewrap(token: str) -> str:
    """The token with its DEK re-sealed under the current KEK; the ciphertext is unchanged."""
    header, _dot, body = token.rpartition(".")
    return f"{rewrap_header(header)}.{body}"


def is_token(value: str) -> bool:
    """Whether ``value`` has the shape of a token (it may still fail to open)."""
    header, dot, body = value.rpartition(".")
    try:
        _split_header(header)
        _b64decode(body)
    except (DecryptionError, binascii.Error, ValueError):
        return False
    return bool(dot)


def is_current(token_or_header: str) -> bool:
    return token_or_header.startswith(f"{VERSION}.{keyring().current_id}.")


def _wrap(ring: Keyring, key_id: str, data_key: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    wrapped = nonce + ring.keys[key_id].encrypt(nonce, data_key, _kek_context(key_id))
    return f"{VERSION}.{key_id}.{_b64encode(wrapped)}"


def _split_header(header: str) -> tuple[str, bytes]:
    parts = header.split(".")
    if len(parts) != 3 or parts[0] != VERSION or not _KEY_ID.fullmatch(parts[1]):
        raise DecryptionError("not an encrypted value of this application")
    try:
        return parts[1], _b64decode(parts[2])
    except (binascii.Error, ValueError):
        raise DecryptionError("not an encrypted value of this application") from None


def _seal(data_key: bytes, plaintext: bytes, label: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, label.encode())


def _kek_context(key_id: str) -> bytes:
    return f"vssid data key|{key_id}".encode()


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not ASCII")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


# Fingerprints ------------------------------------------------------------------------------------

SOCIAL_INSURANCE_NUMBER = "social_insurance_number"
ID_NUMBER = "id_number"
PHONE = "phone"
EMAIL = "email"
KINDS = (SOCIAL_INSURANCE_NUMBER, ID_NUMBER, PHONE, EMAIL)


def normalize_identifier(kind: str, value: str | None) -> str:
    """The one spelling of an identifier that its fingerprint is taken of."""
    if kind == SOCIAL_INSURANCE_NUMBER:
        return "".join(char for char in compact_code(value) if char.isdigit())
    if kind == ID_NUMBER:
        # Letters stay: a passport number is a letter and 7 digits (B1234567 ≠ C1234567).
        return compact_code(value).upper()
    if kind == PHONE:
        try:
            return normalize_mobile(value)
        except InvalidValue:  # not a Vietnamese mobile: compared by its digits
            return "".join(char for char in compact_code(value) if char.isdigit())
    if kind == EMAIL:
        return (value or "").strip().casefold()
    raise ValueError(f"unknown identifier kind {kind!r}")


def fingerprint(kind: str, value: str | None) -> str:
    """HMAC-SHA256 (hex) of the normalised identifier; "" for no identifier, so blanks stay blank."""
    normalized = normalize_identifier(kind, value)
    if not normalized:
        return ""
    message = f"{kind}|{normalized}".encode()
    return hmac.new(keyring().fingerprint_key, message, hashlib.sha256).hexdigest()
