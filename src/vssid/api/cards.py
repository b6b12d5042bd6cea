"""Cards: what a CCCD or BHYT card's QR code says, from its text or from a photo of the card, by the
same parser and scanner as the web's "scan your card" page and the ``vssid card`` command."""
from django.utils.translation import gettext
from ninja import File, Router
from ninja.files import UploadedFile

from vssid.cards.errors import InvalidValue
from vssid.cards.qr import parse_card_qr
from vssid.photos import qr_scan
from vssid.photos.errors import RejectionCode

from . import errors, limits
from .errors import ApiError, ErrorItem
from .schemas import Card, CardText, ErrorResponse

router = Router(tags=["cards"])

ERRORS = {status: ErrorResponse for status in (400, 413, 422, 429)}


@router.post("/cards/parse", response={200: Card, **ERRORS}, summary="Read a card's QR text")
def parse_card(request, payload: CardText):
    """The card's fields from the text a QR reader returned. A refusal's code says what was wrong
    (``qr_unknown_kind``, ``cccd_qr_id_number_mismatch``…); its message never repeats what was read."""
    limits.count_client(request, "parse_card")
    try:
        card = parse_card_qr(payload.text)
    except InvalidValue as error:
        raise ApiError(422, [errors.from_invalid_value(error, "text")]) from None
    return card.to_json_dict()


@router.post("/cards/scan", url_name=limits.CARD_SCAN_URL_NAME, response={200: Card, **ERRORS},
             summary="Read a card's QR code from a photo")
def scan_card(request, photo: UploadedFile = File(..., description="A photo of the card's side with the QR code.")):
    """The first card found in a photo (JPG, PNG, HEIC or WebP, at most 10 MB; a screenshot is fine).
    Without one: ``no_qr_code``, the parser's code for a code that is not a card's, or the file's
    own refusal (``wrong_type``, ``unreadable``…; ``too_large`` is a 413)."""
    limits.count_client(request, "scan_card")
    result = qr_scan.scan_photo(photo)
    for code in result.codes:
        if code.card is not None:
            return code.card
    if result.codes:
        raise ApiError(422, [_not_a_card(result.codes[0].text)])
    message = qr_scan.render_message(result.error_code, result.error_params, gettext)
    status = 413 if result.error_code == RejectionCode.TOO_LARGE else 422
    raise ApiError(status, [ErrorItem(field="photo", code=result.error_code, message=message)])


def _not_a_card(text: str) -> ErrorItem:
    # The scanner kept the parser's code; parsing again gives the error itself, so its message is
    # rendered in the request's language like every other card rule's.
    try:
        parse_card_qr(text)
    except InvalidValue as error:
        return errors.from_invalid_value(error, "photo")
    return errors.item("invalid", "photo")
