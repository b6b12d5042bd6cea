"""The JSON shapes of the API: what a client sends and what it gets back.

Input schemas only bound the shape (types, lengths that no real answer comes near); whether an
answer is acceptable is decided by the web's step forms and the card rules behind them, so a wrong
CCCD number gets the same code and words here as on the page.
"""
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

# --- errors -------------------------------------------------------------------------------------


class Error(Schema):
    field: str | None = Field(description="The input at fault, in the API's naming; null when none is.")
    code: str = Field(description="Stable machine code (see docs/api.md).")
    message: str = Field(description="What to do, for the citizen, in the request's language.")


class ErrorResponse(Schema):
    errors: list[Error]


# --- places -------------------------------------------------------------------------------------


class Province(Schema):
    code: str
    name: str
    short_name: str
    latitude: float
    longitude: float


class Commune(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    latitude: float
    longitude: float


class ProvinceRef(Schema):
    code: str
    name: str


class Office(Schema):
    id: int = Field(description="What `office` takes in PATCH /declarations/current.")
    code: str
    name: str
    kind: str
    province: ProvinceRef
    address: str
    latitude: float
    longitude: float
    opening_hours: str
    phone: str


class NearbyOffice(Office):
    distance_km: float


# --- cards --------------------------------------------------------------------------------------


class CardText(Schema):
    model_config = ConfigDict(extra="forbid")
    # Version 40 of QR holds at most 7,089 characters (numeric mode).
    text: str = Field(max_length=7089, description="The text a QR reader returned, as it is.")


class CccdCard(Schema):
    kind: Literal["cccd"]
    id_number: str
    old_id_number: str | None
    full_name: str
    date_of_birth: date
    sex: Literal["male", "female"]
    address: str | None
    issue_date: date
    extra_fields: list[str] = Field(description="Fields after the seventh, as read (meaning not published).")


class BhytCard(Schema):
    kind: Literal["bhyt"]
    card_number: str
    social_insurance_number: str
    object_code: str | None
    benefit_level: int | None
    province_code: str | None
    full_name: str | None
    date_of_birth: str = Field(description="ISO 8601 date, or only the year (YYYY) when the card has only that.")
    sex: Literal["male", "female"]
    address: str | None
    initial_clinic_code: str | None
    valid_from: date | None
    valid_to: date | None
    issue_date: date | None
    check_string: str | None


Card = Annotated[CccdCard | BhytCard, Field(discriminator="kind")]


# --- declarations -------------------------------------------------------------------------------

# Far above any real answer (the forms' own limits are 100–254 characters): long enough that the
# step forms, not the schema, tell a citizen their name is too long, and short enough to stay cheap.
TEXT = 1000


class PhotoKind(str, Enum):
    portrait = "portrait"
    id_front = "id_front"
    id_back = "id_back"


class DeclarationPatch(Schema):
    """Any subset of the answers. Fields of one step are checked together by that step's form."""

    model_config = ConfigDict(extra="forbid")

    full_name: str = Field(None, max_length=TEXT)
    date_of_birth: str = Field(None, max_length=40, description="YYYY-MM-DD, e.g. 1990-03-15.")
    sex: str = Field(None, max_length=TEXT, description="male or female")
    social_insurance_number: str = Field(None, max_length=TEXT, description="Mã số BHXH, 10 digits.")
    id_document_type: str = Field(None, max_length=TEXT, description="cccd, cmnd or passport")
    id_document_number: str = Field(None, max_length=TEXT)
    address_province: str = Field(None, max_length=TEXT, description="A province code from GET /provinces.")
    address_commune: str = Field(None, max_length=TEXT, description="A commune code of that province.")
    address_street: str = Field(None, max_length=TEXT)
    mobile_phone: str = Field(None, max_length=TEXT)
    email: str = Field(None, max_length=TEXT, description="Empty to give none.")
    office: int = Field(None, ge=0, le=2**53, description="An office id from GET /offices.")
    email_declaration: bool = Field(None, description="Email the tờ khai PDF (needs an email).")


class Photos(Schema):
    portrait: bool
    id_front: bool
    id_back: bool


class Answers(Schema):
    full_name: str
    date_of_birth: date | None
    sex: str
    social_insurance_number: str
    id_document_type: str
    id_document_number: str
    address_province: str | None
    address_commune: str | None
    address_street: str
    mobile_phone: str = Field(description="E.164, e.g. +84912345678.")
    email: str
    office: int | None
    email_declaration: bool
    photos: Photos


class StepState(Schema):
    step: str = Field(description="The step's slug.")
    title: str
    complete: bool
    open: bool = Field(description="Every step before it is complete: its answers may be sent.")
    errors: list[Error] = Field(description="Why an answered step is not complete (empty when untouched).")


class DeclarationState(Schema):
    status: str
    answers: Answers
    steps: list[StepState]
    next_step: str | None = Field(description="The first incomplete step; null when it can be sent.")
    reference_code: str | None
    created_at: datetime
    updated_at: datetime


class CreatedDraft(Schema):
    token: str = Field(description="Bearer token for this declaration. Shown once: keep it safe.")
    declaration: DeclarationState


class PhotoAccepted(Schema):
    kind: PhotoKind
    width: int
    height: int
    byte_size: int


class CheckRow(Schema):
    label: str
    value: str
    step: str | None = Field(description="The step that changes this answer.")


class CheckSection(Schema):
    title: str
    rows: list[CheckRow]


class CheckAnswers(Schema):
    sections: list[CheckSection]
    photos: Photos


class Submission(Schema):
    reference_code: str
    reference_code_display: str = Field(description="Grouped for reading: K7Q4-M2XA-9R.")
    status: str
    submitted_at: datetime
    visit_due_date: date = Field(description="Last day to complete the registration at the office.")
    cancelled_at: datetime | None
    office: Office
    confirmation_path: str = Field(description="The web confirmation page (path on this server).")


# --- the citizen's account ----------------------------------------------------------------------

# The web forms' own limits (accounts.forms): a password of 128 characters, an identifier of 40.
PASSWORD = 128
IDENTIFIER = 40


class LoginRequest(Schema):
    model_config = ConfigDict(extra="forbid")
    identifier: str = Field(max_length=IDENTIFIER, description="Mã số BHXH (10 digits) or CCCD number (12 digits).")
    password: str = Field(max_length=PASSWORD)


class LoginToken(Schema):
    token: str = Field(description="Bearer token for the /account endpoints. Shown once: keep it safe.")
    expires_at: datetime
    must_change_password: bool = Field(description="True on the one-time password: change it first.")


class AccountRow(Schema):
    label: str
    value: str


class AccountEvent(Schema):
    when: datetime
    title: str
    detail: str


class AccountData(Schema):
    social_insurance_number: str = Field(description="Mã số BHXH, also the username.")
    full_name: str
    date_of_birth: date | None
    mobile_phone: str = Field(description="Masked: 0912 *** 678.")
    email: str = Field(description="Empty when none was given.")
    office: Office | None
    reference_code: str | None = Field(description="The activating declaration's reference code.")
    must_change_password: bool
    last_login_at: datetime | None
    password_changed_at: datetime | None
    rows: list[AccountRow] = Field(description="The registered data as the web's account page lists it.")
    history: list[AccountEvent] = Field(description="The declaration's and the account's history, oldest first.")


class PasswordChange(Schema):
    model_config = ConfigDict(extra="forbid")
    old_password: str = Field(max_length=PASSWORD)
    new_password: str = Field(max_length=PASSWORD)


class PasswordResetRequest(Schema):
    model_config = ConfigDict(extra="forbid")
    identifier: str = Field(max_length=IDENTIFIER, description="Mã số BHXH or CCCD number.")
    channel: Literal["sms", "email"]


class PasswordResetConfirm(Schema):
    model_config = ConfigDict(extra="forbid")
    identifier: str = Field(max_length=IDENTIFIER)
    code: str = Field(max_length=20, description="The 6 digits received.")
    new_password: str = Field(max_length=PASSWORD)


class Notice(Schema):
    message: str = Field(description="What to tell the citizen, in the request's language.")
