"""The citizen's account after activation: log in (a token), read the account, change or reset the
password, log out.

Each endpoint calls the service the matching web page calls (``vssid.accounts.services`` and
``selectors``): the same lockout, rate limits, password rules and neutral answers. What is the API's
own is the login token (``AccountToken``): shown once, kept as its SHA-256, 30 days, separate from
the draft token. Until the one-time password is changed, a token reaches only the password change
and logout (403 ``password_change_required`` elsewhere), as the web redirects to the change page.
"""
import hashlib
import math
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router, Status
from ninja.security import HttpBearer

from vssid.accounts import selectors, services
from vssid.accounts.models import CitizenAccount
from vssid.accounts.sessions import _password_fingerprint
from vssid.cards.names import display_name
from vssid.core.ratelimit import client_address

from .errors import MESSAGES, ApiError, ErrorItem, item
from .models import AccountToken
from .places import office_json
from .schemas import (
    AccountData,
    ErrorResponse,
    LoginRequest,
    LoginToken,
    Notice,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
)

TOKEN_LIFETIME = timedelta(days=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the login token ----------------------------------------------------------------------------

def issue_token(account: CitizenAccount) -> tuple[str, AccountToken]:
    """A new login token for the account; the token itself is returned here and nowhere else."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    record = AccountToken.objects.create(
        hash=_digest(token), account=account, password_fingerprint=_password_fingerprint(account),
        created_at=now, expires_at=now + TOKEN_LIFETIME,
    )
    return token, record


def revoke_tokens(account: CitizenAccount, *, keep: AccountToken | None = None) -> None:
    tokens = AccountToken.objects.filter(account=account, revoked_at__isnull=True)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    tokens.update(revoked_at=timezone.now())


class AccountBearer(HttpBearer):
    """``Authorization: Bearer <login token>``; answers the AccountToken (its account loaded)."""

    def __call__(self, request) -> AccountToken:
        # Parsed here, not by ninja, which logs a header it does not understand when DEBUG is on.
        scheme, _space, token = request.headers.get(self.header, "").partition(" ")
        record = None
        if scheme.lower() == "bearer" and token.strip():
            record = self.authenticate(request, token.strip())
        if record is None:
            raise ApiError(401, [ErrorItem("Authorization", "unauthorized", gettext(MESSAGES["account_unauthorized"]))],
                           headers={"WWW-Authenticate": "Bearer"})
        return record

    def authenticate(self, request, token: str) -> AccountToken | None:
        record = (
            AccountToken.objects.select_related(
                "account", "account__declaration", "account__declaration__office",
                "account__declaration__office__province", "account__declaration__address_province",
                "account__declaration__address_commune",
            )
            .filter(hash=_digest(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        # A password changed elsewhere (the web page, a reset) ends the token, as it ends sessions.
        if record is None or record.password_fingerprint != _password_fingerprint(record.account):
            return None
        return record


account_token = AccountBearer()

router = Router(tags=["account"], auth=account_token)


def _errors(*statuses: int) -> dict:
    # Any request may be refused for its size or a malformed length (400, 413).
    return {status: ErrorResponse for status in (*statuses, 400, 413)}


def _locked(locked: services.AccountLocked) -> ApiError:
    seconds = max(1, math.ceil((locked.until - timezone.now()).total_seconds()))
    return ApiError(423, [item("account_locked", seconds=seconds)], headers={"Retry-After": str(seconds)})


def _password_rules(rules: DjangoValidationError, field: str = "new_password") -> ApiError:
    """Django's password validators' refusals (and the service's own), each with its code."""
    items, seen = [], set()
    for error in rules.error_list:
        code = error.code or "invalid"
        if code in seen:
            continue
        seen.add(code)
        message = error.message % error.params if error.params else error.message
        items.append(ErrorItem(field=field, code=code, message=str(message)))
    return ApiError(422, items)


def _usable(request) -> CitizenAccount:
    account = request.auth.account
    if account.must_change_password:
        raise ApiError.of(403, "password_change_required")
    return account


# --- endpoints ----------------------------------------------------------------------------------

@router.post("/account/login", auth=None, summary="Log in",
             response={200: LoginToken, **_errors(401, 422, 423, 429)})
def log_in(request, payload: LoginRequest):
    """The mã số BHXH (or the CCCD number) and the password; answers a bearer token for the other
    ``/account`` endpoints, shown only here. An unknown identifier and a wrong password get the same
    401; 5 in a row lock the account for 15 minutes (423 with ``Retry-After``)."""
    try:
        account = services.log_in(payload.identifier, payload.password, client=client_address(request))
    except services.InvalidCredentials:
        raise ApiError.of(401, "invalid_credentials", "password") from None
    except services.AccountLocked as locked:
        raise _locked(locked) from None
    token, record = issue_token(account)
    return {"token": token, "expires_at": record.expires_at, "must_change_password": account.must_change_password}


@router.get("/account", summary="The account's registered data and history",
            response={200: AccountData, **_errors(401, 403)})
def read_account(request):
    account = _usable(request)
    d = account.declaration
    return {
        "social_insurance_number": account.username,
        "full_name": display_name(d.full_name),
        "date_of_birth": d.date_of_birth,
        "mobile_phone": services._masked_phone(d.mobile_phone),
        "email": d.email,
        "office": office_json(d.office) if d.office_id else None,
        "reference_code": d.reference_code,
        "must_change_password": account.must_change_password,
        "last_login_at": account.last_login_at,
        "password_changed_at": account.password_changed_at,
        "rows": [{"label": row.label, "value": row.value} for row in selectors.registered_data(account)],
        "history": [{"when": e.when, "title": e.title, "detail": e.detail}
                    for e in selectors.declaration_history(account)],
    }


@router.post("/account/password", summary="Change the password",
             response={204: None, **_errors(401, 422, 423)})
def change_password(request, payload: PasswordChange):
    """The current password and a new one (the same rules as the web). Works while the one-time
    password must be changed. This token stays valid; every other token of the account ends."""
    record = request.auth
    try:
        account = services.change_password(record.account, payload.old_password, payload.new_password)
    except services.WrongPassword:
        raise ApiError.of(422, "wrong_password", "old_password") from None
    except services.AccountLocked as locked:
        raise _locked(locked) from None
    except DjangoValidationError as rules:
        raise _password_rules(rules) from None
    with transaction.atomic():
        revoke_tokens(account, keep=record)
        record.password_fingerprint = _password_fingerprint(account)
        record.save(update_fields=["password_fingerprint"])
    return Status(204, None)


@router.post("/account/logout", summary="Log out", response={204: None, **_errors(401)})
def log_out(request):
    """Ends this token (only this one: the app on another phone stays logged in)."""
    record = request.auth
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    return Status(204, None)


@router.post("/account/password-reset", auth=None, summary="Ask for a password reset code",
             response={202: Notice, **_errors(422, 429)})
def request_password_reset(request, payload: PasswordResetRequest):
    """A 6-digit code by SMS or email to the registered phone or address. The answer is the same
    202 whether or not the account exists or has an email."""
    services.request_password_reset(payload.identifier, payload.channel, client=client_address(request))
    if payload.channel == "email":
        sent = gettext("Nếu thông tin bạn nhập đúng với một tài khoản có email, mã xác nhận gồm 6 chữ số đã được gửi đến email đã đăng ký.")
    else:
        sent = gettext("Nếu thông tin bạn nhập đúng với một tài khoản, mã xác nhận gồm 6 chữ số đã được gửi bằng tin nhắn đến số điện thoại đã đăng ký.")
    return Status(202, {"message": sent})


@router.post("/account/password-reset/confirm", auth=None, summary="Set a new password with the code",
             response={200: Notice, **_errors(422, 429)})
def confirm_password_reset(request, payload: PasswordResetConfirm):
    """The code (valid 10 minutes, 5 tries) and the new password. Every token of the account ends;
    log in again with the new password."""
    try:
        account = services.finish_password_reset(payload.identifier, payload.code, payload.new_password,
                                                 client=client_address(request))
    except services.InvalidResetCode:
        raise ApiError.of(422, "invalid_reset_code", "code") from None
    except DjangoValidationError as rules:
        raise _password_rules(rules) from None
    revoke_tokens(account)
    return {"message": gettext("Đã đặt lại mật khẩu. Hãy đăng nhập bằng mật khẩu mới")}
