"""The mã số BHXH look-up: the same form rules, limits and neutral answer as the web page."""
import datetime

from ninja import Field, Router, Schema
from pydantic import ConfigDict

from vssid.core.ratelimit import client_address
from vssid.registry import services
from vssid.registry.forms import LookupForm

from . import errors
from .errors import ApiError
from .schemas import ErrorResponse

router = Router(tags=["registry"])


class LookupRequest(Schema):
    model_config = ConfigDict(extra="forbid")
    province: str = Field(max_length=2, description="The 2025 province of birth registration (its code).")
    full_name: str = Field(max_length=200, description="With or without diacritics, in any case.")
    date_of_birth: datetime.date
    id_number: str = Field("", max_length=20, description="CCCD, CMND or passport number; empty with no_id_document.")
    no_id_document: bool = False


class LookupAnswer(Schema):
    found: bool = Field(description="True only for exactly one matching person.")
    social_insurance_number: str | None = Field(description="The mã số BHXH when found; otherwise null.")


# The web form's three date inputs carry the API's one date field.
_FIELD_NAMES = {"dob_day": "date_of_birth", "dob_month": "date_of_birth", "dob_year": "date_of_birth"}


@router.post("/registry/lookup", response={200: LookupAnswer, **{s: ErrorResponse for s in (400, 422, 429)}},
             summary="Look up a mã số BHXH")
def look_up(request, payload: LookupRequest):
    """Exactly one person with this province, name, date of birth and ID number (or none) reveals
    the mã số BHXH; no match and several matches get the same answer, ``found: false``. Limited per
    client and per person looked up (429 with ``Retry-After``), whether or not the person exists."""
    born = payload.date_of_birth
    form = LookupForm({
        "province": payload.province, "full_name": payload.full_name,
        "dob_day": str(born.day), "dob_month": str(born.month), "dob_year": str(born.year),
        "id_number": payload.id_number, "no_id_document": "on" if payload.no_id_document else "",
    })
    if not form.is_valid():
        raise ApiError(422, errors.from_form(form, _FIELD_NAMES))
    result = services.look_up(form.query(), client=client_address(request))
    return {"found": result.found, "social_insurance_number": result.social_insurance_number}
