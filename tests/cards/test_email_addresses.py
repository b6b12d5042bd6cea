"""Email addresses: the common syntax, lower-case domains, internationalised domains as ASCII."""
from hypothesis import given
from hypothesis import strategies as st

from vssid.cards.emails import LOCAL_PART_MAXIMUM_LENGTH, MAXIMUM_LENGTH, normalize_email
from vssid.cards.errors import InvalidValue


def test_the_domain_is_lower_cased_and_the_mailbox_kept_as_typed():
    assert normalize_email("  Binh.Tran@Example.VN ") == "Binh.Tran@example.vn"


def test_plus_addressing_and_common_symbols_are_accepted():
    assert normalize_email("binh+vssid@gmail.com") == "binh+vssid@gmail.com"
    assert normalize_email("o'brien_1@mail.example.com") == "o'brien_1@mail.example.com"


def test_an_internationalised_domain_is_stored_in_ascii():
    assert normalize_email("binh@tênmiền.vn") == "binh@xn--tnmin-hsa0954c.vn"


def test_a_trailing_root_dot_is_dropped():
    assert normalize_email("binh@gmail.com.") == "binh@gmail.com"


def test_an_empty_address_is_refused(refused):
    refused("email_required", normalize_email, "")


def test_an_address_needs_exactly_one_at_sign(refused):
    refused("email_at_sign", normalize_email, "binh.gmail.com")
    refused("email_at_sign", normalize_email, "binh@@gmail.com")


def test_the_mailbox_part_follows_the_dot_atom_syntax(refused):
    refused("email_local_part", normalize_email, ".binh@gmail.com")
    refused("email_local_part", normalize_email, "binh..tran@gmail.com")
    refused("email_local_part", normalize_email, "bình@gmail.com")
    refused("email_local_part", normalize_email, '"binh tran"@gmail.com')
    refused("email_local_part", normalize_email, "@gmail.com")


def test_the_mailbox_part_has_at_most_64_characters(refused):
    error = refused("email_local_part_too_long", normalize_email, "a" * 65 + "@gmail.com")
    assert error.params == {"limit": LOCAL_PART_MAXIMUM_LENGTH}


def test_the_domain_must_be_a_domain_name(refused):
    for address in ("binh@gmail", "binh@", "binh@-gmail.com", "binh@gmail..com", "binh@1.2.3.4",
                    "binh@[127.0.0.1]", "binh@gmail .com", "binh@under_score.vn"):
        refused("email_domain", normalize_email, address)


def test_an_address_longer_than_254_characters_is_refused(refused):
    domain = ".".join(["d" * 60] * 5) + ".vn"
    error = refused("email_too_long", normalize_email, "binh@" + domain)
    assert error.params == {"limit": MAXIMUM_LENGTH, "count": len("binh@" + domain)}


@given(st.emails())
def test_generated_addresses_are_accepted_and_normalising_is_idempotent(address):
    try:
        normalized = normalize_email(address)
    except InvalidValue as error:
        # hypothesis may generate numeric top-level domains or 64+ character mailboxes.
        assert error.code in ("email_domain", "email_local_part_too_long", "email_too_long")
        return
    assert normalize_email(normalized) == normalized
    local, domain = normalized.split("@")
    assert domain == domain.lower()


@given(st.text(max_size=80))
def test_any_text_gives_an_address_or_a_coded_refusal(text):
    try:
        normalized = normalize_email(text)
    except InvalidValue as error:
        assert error.code.startswith("email_")
    else:
        assert normalize_email(normalized) == normalized and normalized.count("@") == 1
