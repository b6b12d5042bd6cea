"""Request size and rate limits of the JSON API.

Sizes are refused from the ``Content-Length`` header, before Django reads a byte of the body: a JSON
answer is a few hundred bytes, so 64 KB is generous and anything larger is a mistake or an attack;
a photo may be ``VSSID_PHOTO_MAX_BYTES`` (10 MB) plus its multipart envelope. A body without a
Content-Length (chunked) is not read past its declared length by Django's WSGI handler, so it cannot
sneak past either. Within the limit, Django's upload handlers stream a photo to a temporary file once
it passes ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (2 MB), so no request holds 10 MB in memory, and the photo
intake reads at most the photo limit from that file.

Rates use the shared limiter (``vssid.core.ratelimit``): per client address for what anyone may do
(start a draft, read a card), per draft for what a draft's token may do (edit, upload, send). Mobile
networks put many phones behind one address (carrier-grade NAT), so the per-client rates are set for
a crowd, and all of them can be changed with the ``VSSID_API_RATES`` setting, e.g.
``{"create_draft": "100/h"}``.
"""
from django.conf import settings

from vssid.core import ratelimit

JSON_BODY_MAX_BYTES = 64 * 1024
# Room for the multipart boundary and part headers around the photo itself.
MULTIPART_ENVELOPE_BYTES = 64 * 1024

# The operations (by URL name) whose body is a photo; every other body is JSON.
PHOTO_UPLOAD_URL_NAME = "upload_photo"
CARD_SCAN_URL_NAME = "scan_card"
PHOTO_BODIES = {PHOTO_UPLOAD_URL_NAME, CARD_SCAN_URL_NAME}

DEFAULT_RATES = {
    "create_draft": "20/h",  # per client address
    "parse_card": "120/h",  # per client address
    "scan_card": "60/h",  # per client address: a photo without a code costs ~0.5 s of CPU
    "edit_draft": "300/h",  # per draft: one PATCH per field would still fit many times over
    "upload_photo": "60/h",  # per draft: decoding a photo costs ~0.1 s of CPU
    "submit": "10/h",  # per draft
}


def body_limit_for(url_name: str | None) -> int:
    if url_name in PHOTO_BODIES:
        return settings.VSSID_PHOTO_MAX_BYTES + MULTIPART_ENVELOPE_BYTES
    return JSON_BODY_MAX_BYTES


def declared_length(request) -> int | None:
    """The request's Content-Length: 0 when absent, None when it is not a number."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


def rate_of(scope: str) -> str:
    return {**DEFAULT_RATES, **getattr(settings, "VSSID_API_RATES", {})}[scope]


def count_client(request, scope: str) -> None:
    """One attempt by this client address; raises RateLimited past the rate."""
    ratelimit.hit(f"api-{scope}", ratelimit.client_address(request), rate_of(scope))


def count_draft(declaration, scope: str) -> None:
    """One attempt on this draft; raises RateLimited past the rate."""
    ratelimit.hit(f"api-{scope}", str(declaration.pk), rate_of(scope))
