"""core.crypto: envelope encryption, key configuration and fingerprints, without a database."""
import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings as hypothesis_settings, strategies as st

from vssid.core import crypto


def key_line(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


@pytest.fixture
def keys(settings):
    settings.VSSID_DATA_KEYS = [key_line("a")]
    settings.VSSID_FINGERPRINT_KEY = crypto.generate_fingerprint_key()
    return settings


LABEL = "tests.row.column"


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_comes_back_as_it_was_encrypted(value):
    token = crypto.encrypt(value, label=LABEL)

    assert token.isascii() and token.startswith("v1.dev.")
    assert crypto.decrypt(token, label=LABEL) == value


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.data())
def test_any_flipped_byte_of_the_ciphertext_is_refused(plaintext, data):
    header, blob = crypto.encrypt_bytes(plaintext, label=LABEL)
    position = data.draw(st.integers(0, len(blob) - 1))
    flip = data.draw(st.integers(1, 255))
    tampered = blob[:position] + bytes([blob[position] ^ flip]) + blob[position + 1:]

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(header, tampered, label=LABEL)


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_flipped_byte_of_the_sealed_data_key_is_refused(data):
    header, blob = crypto.encrypt_bytes(b"001190012345", label=LABEL)
    version, key_id, wrapped = header.split(".")
    raw = base64.urlsafe_b64decode(wrapped + "=" * (-len(wrapped) % 4))
    position = data.draw(st.integers(0, len(raw) - 1))
    raw = raw[:position] + bytes([raw[position] ^ data.draw(st.integers(1, 255))]) + raw[position + 1:]
    tampered = f"{version}.{key_id}.{base64.urlsafe_b64encode(raw).decode().rstrip('=')}"

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(tampered, blob, label=LABEL)


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_changed_character_of_a_token_never_gives_another_value(data):
    token = crypto.encrypt("+84912345678", label=LABEL)
    position = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda c: c != token[position]))
    tampered = token[:position] + replacement + token[position + 1:]

    # Base64's last character has spare bits: a change there may decode to the very same bytes,
    # and then the very same value. Anything else is refused.
    try:
        assert crypto.decrypt(tampered, label=LABEL) == "+84912345678"
    except crypto.DecryptionError:
        pass


def test_a_value_moved_to_another_column_is_refused():
    token = crypto.encrypt("+84912345678", label="declarations.declaration.mobile_phone")

    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, label="declarations.declaration.email")


def test_the_same_value_encrypts_differently_every_time():
    assert crypto.encrypt("001190012345", label=LABEL) != crypto.encrypt("001190012345", label=LABEL)


@pytest.mark.parametrize("garbage", ["", "001190012345", "v1.dev.AAAA", "v2.dev.AAAA.AAAA", "v1.dev.!!.AAAA",
                                     "v1.dev.AAAA.é"])
def test_what_is_not_a_token_is_refused_without_repeating_it(garbage):
    with pytest.raises(crypto.DecryptionError) as refused:
        crypto.decrypt(garbage, label=LABEL)
    assert "001190012345" not in str(refused.value)
    assert not crypto.is_token(garbage)


def test_rewrapping_moves_the_data_key_and_keeps_the_ciphertext(keys):
    token = crypto.encrypt("001190012345", label=LABEL)
    keys.VSSID_DATA_KEYS = [key_line("b"), *keys.VSSID_DATA_KEYS]

    rewrapped = crypto.rewrap(token)

    assert rewrapped.startswith("v1.b.") and rewrapped.rsplit(".", 1)[1] == token.rsplit(".", 1)[1]
    assert crypto.rewrap(rewrapped) == rewrapped  # already current: unchanged
    keys.VSSID_DATA_KEYS = keys.VSSID_DATA_KEYS[:1]
    assert crypto.decrypt(rewrapped, label=LABEL) == "001190012345"
    with pytest.raises(crypto.UnknownKeyError, match="'a' is not configured"):
        crypto.decrypt(token, label=LABEL)


@pytest.mark.parametrize("entries, problem", [
    (["no-colon"], "id>:<base64url key>"),
    (["bad id:" + "A" * 43], "id>:<base64url key>"),
    (["a:AAAA"], "must be 32 bytes"),
    (["a:" + "*" * 43], "not base64"),
    (["a:" + "A" * 43, "a:" + "B" * 43], "twice"),
])
def test_malformed_keys_are_refused_naming_the_key_not_its_value(settings, entries, problem):
    settings.VSSID_DATA_KEYS = entries

    with pytest.raises(ImproperlyConfigured, match=problem) as refused:
        crypto.keyring()
    assert "A" * 20 not in str(refused.value)


def test_a_malformed_fingerprint_key_is_refused(settings):
    settings.VSSID_FINGERPRINT_KEY = "A" * 10

    with pytest.raises(ImproperlyConfigured, match="VSSID_FINGERPRINT_KEY must be 32 bytes"):
        crypto.keyring()


def test_generated_key_lines_are_accepted():
    key_id, key = crypto.parse_key_line(crypto.generate_key_line("2026a"))

    assert key_id == "2026a" and len(key) == 32
    with pytest.raises(ValueError):
        crypto.generate_key_line("no dots.")


def test_development_keys_come_from_the_secret_key_under_distinct_labels(settings):
    settings.VSSID_DATA_KEYS, settings.VSSID_FINGERPRINT_KEY = [], ""
    first = crypto.keyring()
    settings.SECRET_KEY = "another development secret"
    second = crypto.keyring()

    assert first.current_id == second.current_id == "dev"
    assert first.fingerprint_key != second.fingerprint_key
    token = crypto.encrypt("x", label=LABEL)
    settings.SECRET_KEY = "yet another one"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, label=LABEL)


# Fingerprints ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, spellings", [
    (crypto.PHONE, ["+84912345678", "0912 345 678", "0912.345.678", "84912345678", "+84 (0) 912 345 678"]),
    (crypto.ID_NUMBER, ["001190012345", "001 190 012 345", "001-190-012-345"]),
    (crypto.ID_NUMBER, ["B1234567", "b1234567", "B 123 4567"]),
    (crypto.SOCIAL_INSURANCE_NUMBER, ["0123456789", "0123 456 789", "0123.456.789"]),
    (crypto.EMAIL, ["Binh.Tran@Example.VN", "binh.tran@example.vn", " binh.tran@example.vn "]),
])
def test_every_spelling_of_an_identifier_has_one_fingerprint(kind, spellings):
    assert len({crypto.fingerprint(kind, spelling) for spelling in spellings}) == 1


def test_fingerprints_tell_identifiers_and_their_kinds_apart(keys):
    assert crypto.fingerprint(crypto.ID_NUMBER, "B1234567") != crypto.fingerprint(crypto.ID_NUMBER, "C1234567")
    assert crypto.fingerprint(crypto.ID_NUMBER, "0123456789") != crypto.fingerprint(
        crypto.SOCIAL_INSURANCE_NUMBER, "0123456789")
    assert crypto.fingerprint(crypto.PHONE, "") == crypto.fingerprint(crypto.EMAIL, None) == ""


def test_fingerprints_depend_on_their_key_and_reveal_nothing(keys):
    first = crypto.fingerprint(crypto.ID_NUMBER, "001190012345")
    keys.VSSID_FINGERPRINT_KEY = crypto.generate_fingerprint_key()
    second = crypto.fingerprint(crypto.ID_NUMBER, "001190012345")

    assert first != second and len(first) == 64 and "001190012345" not in first
    # Not the key-less hash a dictionary of every CCCD number would reverse.
    import hashlib
    assert first != hashlib.sha256(b"id_number|001190012345").hexdigest()
