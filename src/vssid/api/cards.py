"""Cards: what a scanned QR code says (CCCD or BHYT), by the same parser as the web and the CLI."""
from ninja import Router

from vssid.cards.errors import InvalidValue
from vssid.cards.qr import parse_card_qr

from . import errors, limits
from .errors import ApiError
from .schemas import Card, CardText, ErrorResponse

router = Router(tags=["cards"])


@router.post(
    "/cards/parse",
    response={200: Card, 400: ErrorResponse, 413: ErrorResponse, 422: ErrorResponse, 429: ErrorResponse},
    summary="Read a card's QR text",
)
def parse_card(request, payload: CardText):
    """The card's fields from the text a QR reader returned. A refusal's code says what was wrong
    (``qr_unknown_kind``, ``cccd_qr_id_number_mismatch``…); its message never repeats what was read."""
    limits.count_client(request, "parse_card")
    try:
        card = parse_card_qr(payload.text)
    except InvalidValue as error:
        raise ApiError(422, [errors.from_invalid_value(error, "text")]) from None
    return card.to_json_dict()
