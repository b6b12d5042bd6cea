"""Email: optional, required only when the citizen ticks "Gửi email tờ khai".

What we accept, and why:
- the common dot-atom syntax (RFC 5322 §3.2.3) before the @: ASCII letters, digits and
  ``!#$%&'*+/=?^_`{|}~-``, dots only between characters. Quoted local parts (``"a b"@x.vn``) and
  non-ASCII local parts (SMTPUTF8) are refused: few mail relays deliver to them, and a declaration
  mailed to nowhere fails silently;
- internationalised domain names (``tênmiền.vn``): accepted and stored in their ASCII form
  (``xn--…``, IDNA as Python's codec implements it), which every mail server can deliver to;
- at most 254 characters in all (RFC 5321's path limit less the angle brackets), 64 before the @;
- the domain lower-cased (domains are case-insensitive); the local part kept as typed, since it
  is case-sensitive in principle and the citizen knows their own mailbox.
"""
import re

from .errors import invalid
from .text import normalize_text

MAXIMUM_LENGTH = 254
LOCAL_PART_MAXIMUM_LENGTH = 64

_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+", re.ASCII)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)


def normalize_email(raw: str | None) -> str:
    text = normalize_text(raw or "")
    if not text:
        raise invalid("email_required")
    if len(text) > MAXIMUM_LENGTH:
        raise invalid("email_too_long", limit=MAXIMUM_LENGTH, count=len(text))
    if text.count("@") != 1:
        raise invalid("email_at_sign")
    local_part, domain = text.split("@")
    if not all(_ATOM.fullmatch(atom) for atom in local_part.split(".")):
        raise invalid("email_local_part")
    if len(local_part) > LOCAL_PART_MAXIMUM_LENGTH:
        raise invalid("email_local_part_too_long", limit=LOCAL_PART_MAXIMUM_LENGTH)
    address = f"{local_part}@{_ascii_domain(domain)}"
    if len(address) > MAXIMUM_LENGTH:
        # Only an internationalised domain grows here (its xn-- form is longer).
        raise invalid("email_too_long", limit=MAXIMUM_LENGTH, count=len(address))
    return address


def _ascii_domain(domain: str) -> str:
    # One trailing dot is the DNS root ("gmail.com."): legal, and pasted from some clients.
    name = domain[:-1] if domain.endswith(".") else domain
    if not name or " " in name:
        raise invalid("email_domain")
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise invalid("email_domain") from None
    labels = name.lower().split(".")
    # A top-level domain is never all digits: that shape is an IP address, which mail to
    # ordinary citizens never uses.
    if len(labels) < 2 or labels[-1].isdigit() or not all(_LABEL.fullmatch(label) for label in labels):
        raise invalid("email_domain")
    return ".".join(labels)
