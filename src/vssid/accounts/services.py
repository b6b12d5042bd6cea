"""Every write to a citizen account: activation, login, password change and reset.

Policies (domain.md §1, docs/accounts.md):
- The username is the mã số BHXH; the citizen may also log in with the ID document number of the
  activating declaration (CCCD, the number people know by heart).
- The first password arrives by SMS and is generated when that SMS is sent, not at activation: it
  never rests in the database, not even in the outbox (``issue_one_time_password``). It must be
  changed at the first login.
- 5 wrong passwords in a row lock the account for 15 minutes; during the lock even the right
  password is refused. Failures are forgotten a day after the last one.
- Unknown identifiers get exactly the same answers as wrong passwords, lock included (the same
  counters are kept for them in the shared cache), so the login page reveals nothing about who has
  an account. Reset requests answer the same whether or not the account exists.
- A reset code is 6 digits, sent by SMS or email, generated at send time, valid 10 minutes, 5
  tries; a newer request supersedes older ones.
"""
from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from vssid.cards.text import compact_code, is_ascii_digits
from vssid.core.fields import match
from vssid.core.ratelimit import Limit, fingerprint, hit_all
from vssid.declarations.models import Declaration

from .models import CitizenAccount, PasswordReset

log = logging.getLogger(__name__)

LOCKOUT_THRESHOLD = 5
LOCKOUT_DURATION = timedelta(minutes=15)
# Wrong passwords count "in a row"; one typed wrong last month does not count toward today's lock.
FAILURE_MEMORY = timedelta(hours=24)

# Capitals and digits without the look-alikes (0/O, 1/I/L): read off an SMS and typed on a phone.
# 10 symbols of 31: 49 bits, for a password that lives until the first login.
ONE_TIME_PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ONE_TIME_PASSWORD_LENGTH = 10

RESET_CODE_DIGITS = 6
RESET_CODE_LIFETIME = timedelta(minutes=10)
RESET_CODE_TRIES = 5
# A request whose code could not be sent within this long is dropped: the citizen has moved on.
RESET_REQUEST_LIFETIME = timedelta(minutes=30)
# Beyond the visible per-identifier rate: at most this many requests per account an hour, silently
# (answering differently would tell an account exists). SMS cost money; reset floods are real
# (11.4 million reset SMS by 10/2021, domain.md §8).
RESETS_PER_ACCOUNT_PER_HOUR = 3

SESSION_HASH_SALT = "vssid.accounts.session"
_RESET_CODE_SALT = "vssid.accounts.reset-code"
_UNKNOWN_KEY = "accounts-login-unknown:"


# Errors ------------------------------------------------------------------------------------------

class AccountAlreadyExists(Exception):
    """An account exists for this mã số BHXH (or this ID document number): one per person."""


class DeclarationNotActivatable(Exception):
    """Only a submitted (or just approved) declaration with a mã số BHXH and a mobile opens an account."""


class InvalidCredentials(Exception):
    """Unknown identifier or wrong password: deliberately one error."""


class AccountLocked(Exception):
    def __init__(self, until: datetime):
        super().__init__(until.isoformat())
        self.until = until


class WrongPassword(Exception):
    """The current password typed to change it is wrong."""


class InvalidResetCode(Exception):
    """Wrong, expired, used up, superseded, or no such request or account: deliberately one error."""


class NoLongerNeeded(Exception):
    """A secret's message has become pointless (account in use, request superseded): not an error.
    ``reason`` is stored and logged by the outbox, so it names a state, never personal data."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Activation --------------------------------------------------------------------------------------

class Activation(NamedTuple):
    account: CitizenAccount
    # Where the credentials go, masked for the officer to read out ("0987 *** 321"). NOT a password:
    # the password is generated when the SMS is sent, and nobody but the phone ever sees it.
    credentials_sent_to: str


@transaction.atomic
def activate_account(declaration: Declaration) -> Activation:
    """Open the citizen's account for an approved declaration; call it inside the approval's
    transaction (``desk.services.approve_declaration``), so the account, its SMS and its email
    notice commit or roll back with the decision.

    The account starts with an unusable password and must_change_password; the credentials SMS
    (queued here, sent by a worker) sets and sends a one-time password. An email notice is queued
    too when the declaration has an address. Accepts the declaration before or after the desk
    marks it activated. Raises AccountAlreadyExists, DeclarationNotActivatable.
    """
    from vssid.notify.account_emails import queue_account_activated_email
    from vssid.notify.sms_services import queue_credentials_sms

    current = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if current.status not in (Declaration.Status.SUBMITTED, Declaration.Status.ACTIVATED):
        raise DeclarationNotActivatable(current.status)
    if not (current.social_insurance_number and current.mobile_phone):
        raise DeclarationNotActivatable("incomplete")
    if CitizenAccount.objects.filter(match(CitizenAccount, "username", current.social_insurance_number)).exists():
        raise AccountAlreadyExists("username")
    if current.id_document_number and CitizenAccount.objects.filter(
        match(Declaration, "id_document_number", current.id_document_number, prefix="declaration__")
    ).exists():
        raise AccountAlreadyExists("id_document_number")
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller's transaction
            account = CitizenAccount.objects.create(
                username=current.social_insurance_number, declaration=current,
                password=make_password(None), must_change_password=True,
            )
    except IntegrityError:
        raise AccountAlreadyExists("username") from None
    queue_credentials_sms(account)
    if current.email:
        queue_account_activated_email(account)
    log.info("citizen account %s activated", account.pk)
    return Activation(account, _masked_phone(current.mobile_phone))


def issue_one_time_password(account_id) -> tuple[str, str]:
    """A fresh one-time password for a new account, stored hashed and committed; returns
    (username, password) for the credentials SMS to send right away. Called at send time only.

    Each call replaces the previous one: when an attempt fails and is retried, only the password in
    the last SMS works. Raises NoLongerNeeded once the citizen has logged in or set a password
    (a late retry must never overwrite a password the citizen chose).
    """
    with transaction.atomic():
        account = CitizenAccount.objects.select_for_update().filter(pk=account_id).first()
        if account is None:
            raise NoLongerNeeded("AccountMissing")
        if account.last_login_at is not None or not account.must_change_password:
            raise NoLongerNeeded("AccountInUse")
        password = "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))
        account.password = make_password(password)
        account.save(update_fields=["password"])
    return account.username, password


# Login -------------------------------------------------------------------------------------------

def normalize_identifier(identifier: str | None) -> str:
    """A mã số BHXH or ID document number as typed, without spaces, dots and dashes."""
    return compact_code(identifier).upper()[:32]


def find_account(identifier: str | None) -> CitizenAccount | None:
    """The account whose mã số BHXH, or activating declaration's ID document number, was typed."""
    key = normalize_identifier(identifier)
    if not key:
        return None
    accounts = CitizenAccount.objects.select_related("declaration")
    if len(key) == 10 and is_ascii_digits(key):
        account = accounts.filter(match(CitizenAccount, "username", key)).first()
        if account is not None:
            return account
    matches = list(accounts.filter(match(Declaration, "id_document_number", key, prefix="declaration__"))[:2])
    # Two accounts on one document number is a data error (activation refuses it): neither is
    # guessed at; the mã số BHXH still works.
    return matches[0] if len(matches) == 1 else None


def log_in(identifier: str, password: str, *, client: str, session: str | None = None,
           now: datetime | None = None) -> CitizenAccount:
    """Check a login. Returns the account (last_login_at set); raises InvalidCredentials,
    AccountLocked or core.ratelimit.RateLimited (per client, and per browser session on the web).
    The caller starts the session (``sessions``)."""
    now = now or timezone.now()
    hit_all([Limit("accounts-login-client", client, settings.VSSID_LOGIN_RATE_PER_CLIENT),
             *_session_limit("accounts-login-session", session, settings.VSSID_LOGIN_RATE_PER_SESSION)])
    key = normalize_identifier(identifier)
    account = find_account(key)
    if account is None:
        _fail_unknown_identifier(key, password, now)  # always raises
    with transaction.atomic():
        # Locked: concurrent guesses at one account are counted one after the other, never in parallel.
        account = CitizenAccount.objects.select_for_update().select_related("declaration").get(pk=account.pk)
        if account.locked_until is not None and account.locked_until > now:
            outcome = AccountLocked(account.locked_until)
        elif _password_matches(account, password):
            account.failed_attempts, account.last_failed_at, account.locked_until = 0, None, None
            account.last_login_at = now
            account.save(update_fields=["failed_attempts", "last_failed_at", "locked_until", "last_login_at", "password"])
            outcome = None
        else:
            outcome = _count_failure(account, now)
    if outcome is not None:
        raise outcome  # outside the transaction: the failure count is committed
    log.info("citizen account %s logged in", account.pk)
    return account


def change_password(account: CitizenAccount, old: str, new: str, *, now: datetime | None = None) -> CitizenAccount:
    """Replace the password (the one-time one at first login). Raises WrongPassword (counted toward
    the lock like a login), AccountLocked, or ValidationError with the rules' messages."""
    now = now or timezone.now()
    with transaction.atomic():
        account = CitizenAccount.objects.select_for_update().select_related("declaration").get(pk=account.pk)
        if account.locked_until is not None and account.locked_until > now:
            outcome = AccountLocked(account.locked_until)
        elif not _password_matches(account, old):
            outcome = _count_failure(account, now)
            if isinstance(outcome, InvalidCredentials):
                outcome = WrongPassword()
        else:
            if new == old or check_password(new, account.password):
                raise ValidationError(gettext("Mật khẩu mới phải khác mật khẩu hiện tại"), code="password_unchanged")
            validate_password(new, user=account)
            _set_password(account, new, now)
            outcome = None
    if outcome is not None:
        raise outcome
    log.info("citizen account %s changed its password", account.pk)
    return account


# Password reset ----------------------------------------------------------------------------------

def start_password_reset(identifier: str, channel: str, *, client: str | None = None, session: str | None = None,
                         now: datetime | None = None) -> None:
    """Send a reset code to the account's registered phone ("sms") or email ("email"), at once.

    Answers the same (None) whether or not the account exists or has an email; raises only
    core.ratelimit.RateLimited (per client, per browser session, and per identifier typed,
    whatever it is). The pages and the API call ``request_password_reset`` instead.
    """
    now = now or timezone.now()
    key = _count_reset_request(identifier, channel, client, session)
    open_password_reset(find_account(key), channel, now=now)


def request_password_reset(identifier: str, channel: str, *, client: str | None = None,
                           session: str | None = None) -> None:
    """The reset pages' and the API's entry: count the attempt as ``start_password_reset`` does,
    then leave the rest to a worker, for a known and an unknown identifier alike (the job carries
    the account's id, or nothing). The visitor's request does the same work either way, one queued
    job, so its answer and its time say nothing about who has an account (docs/security.md)."""
    from .tasks import open_password_reset_request

    key = _count_reset_request(identifier, channel, client, session)
    account = find_account(key)
    open_password_reset_request.enqueue(str(account.pk) if account else "", channel, timezone.now().isoformat())


def open_password_reset(account: CitizenAccount | None, channel: str, *, now: datetime) -> None:
    """Open a reset request for ``account`` and queue its code, unless there is nothing to send to
    (no account, no email for "email") or the account's hourly cap is reached."""
    from vssid.notify.account_emails import queue_reset_code_email
    from vssid.notify.sms_services import queue_reset_code_sms

    if account is None or (channel == PasswordReset.Channel.EMAIL and not account.email):
        return None
    with transaction.atomic():
        account = CitizenAccount.objects.select_for_update().select_related("declaration").get(pk=account.pk)
        if account.password_resets.filter(created_at__gt=now - timedelta(hours=1)).count() >= RESETS_PER_ACCOUNT_PER_HOUR:
            log.info("citizen account %s: reset request over the hourly cap, not sent", account.pk)
            return None
        account.password_resets.filter(used_at__isnull=True, superseded_at__isnull=True).update(superseded_at=now)
        reset = PasswordReset.objects.create(account=account, channel=channel, created_at=now)
        if channel == PasswordReset.Channel.SMS:
            queue_reset_code_sms(reset)
        else:
            queue_reset_code_email(reset)
    log.info("citizen account %s: password reset %s requested by %s", account.pk, reset.pk, channel)
    return None


def _count_reset_request(identifier: str, channel: str, client: str | None, session: str | None) -> str:
    """Count a reset request against its limits; the identifier as looked up."""
    if channel not in PasswordReset.Channel.values:
        raise ValueError(f"unknown channel {channel}")
    key = normalize_identifier(identifier)
    hit_all([
        *([Limit("accounts-reset-client", client, settings.VSSID_RESET_RATE_PER_CLIENT)] if client else []),
        *_session_limit("accounts-reset-session", session, settings.VSSID_RESET_RATE_PER_SESSION),
        Limit("accounts-reset-identifier", key, settings.VSSID_RESET_RATE_PER_IDENTIFIER),
    ])
    return key


def issue_reset_code(reset_id, *, now: datetime | None = None) -> str:
    """A fresh code for a reset request, stored as a keyed hash and committed; returns the code for
    its SMS or email to send right away. Called at send time only; a retried send replaces the
    code (only the last one sent works). Raises NoLongerNeeded for a used, superseded or stale
    request."""
    now = now or timezone.now()
    with transaction.atomic():
        reset = PasswordReset.objects.select_for_update().filter(pk=reset_id).first()
        if reset is None:
            raise NoLongerNeeded("ResetMissing")
        if reset.used_at is not None or reset.superseded_at is not None:
            raise NoLongerNeeded("ResetNoLongerActive")
        if now - reset.created_at > RESET_REQUEST_LIFETIME:
            raise NoLongerNeeded("ResetRequestStale")
        if reset.failed_attempts >= RESET_CODE_TRIES:
            raise NoLongerNeeded("ResetTriesUsed")
        code = f"{secrets.randbelow(10**RESET_CODE_DIGITS):0{RESET_CODE_DIGITS}d}"
        reset.code_hash = _reset_code_digest(reset.pk, code)
        reset.code_issued_at = now
        reset.expires_at = now + RESET_CODE_LIFETIME
        reset.save(update_fields=["code_hash", "code_issued_at", "expires_at"])
    return code


def finish_password_reset(identifier: str, code: str, new_password: str, *, client: str | None = None,
                          session: str | None = None, now: datetime | None = None) -> CitizenAccount:
    """Set a new password with the code sent. Raises InvalidResetCode (one error for every way a
    code can be wrong), ValidationError (the password rules; the code is then not used up), or
    core.ratelimit.RateLimited. Success also lifts a lock: the owner proved they hold the phone or
    the mailbox."""
    now = now or timezone.now()
    hit_all([
        *([Limit("accounts-reset-code-client", client, settings.VSSID_RESET_CODE_RATE_PER_CLIENT)] if client else []),
        *_session_limit("accounts-reset-code-session", session, settings.VSSID_RESET_CODE_RATE_PER_SESSION),
    ])
    account = find_account(identifier)
    typed = compact_code(code)
    if account is None:
        raise InvalidResetCode
    with transaction.atomic():
        reset = (
            PasswordReset.objects.select_for_update()
            .filter(account=account, used_at__isnull=True, superseded_at__isnull=True)
            .exclude(code_hash="")
            .order_by("-created_at")
            .first()
        )
        valid = (
            reset is not None and reset.expires_at > now and reset.failed_attempts < RESET_CODE_TRIES
        )
        if valid and not constant_time_compare(_reset_code_digest(reset.pk, typed), reset.code_hash):
            reset.failed_attempts += 1
            reset.save(update_fields=["failed_attempts"])
            valid = False
        if valid:
            account = CitizenAccount.objects.select_for_update().select_related("declaration").get(pk=account.pk)
            validate_password(new_password, user=account)  # raises before anything is used up
            _set_password(account, new_password, now)
            reset.used_at = now
            reset.save(update_fields=["used_at"])
    if not valid:
        raise InvalidResetCode
    log.info("citizen account %s: password reset %s completed", account.pk, reset.pk)
    return account


# Internals ---------------------------------------------------------------------------------------

def _session_limit(scope: str, session: str | None, rate: str) -> list[Limit]:
    """The per-session limit, for a web page (the API's anonymous calls have no session)."""
    return [Limit(scope, session, rate)] if session else []


def _password_matches(account: CitizenAccount, typed: str) -> bool:
    candidate = typed or ""
    if account.must_change_password:
        # Still on the one-time password, which has capitals and digits only: a phone keyboard's
        # lower case or a pasted space is not a wrong password.
        candidate = "".join(candidate.split()).upper()

    def upgrade(raw):  # a hash made with an older hasher or cost is replaced on a correct login
        account.password = make_password(raw)

    return check_password(candidate, account.password, setter=upgrade)


def _count_failure(account: CitizenAccount, now: datetime) -> Exception:
    """Record one wrong password on a locked row; returns the error to raise after commit."""
    if (account.locked_until is not None and account.locked_until <= now) or (
        account.last_failed_at is not None and now - account.last_failed_at > FAILURE_MEMORY
    ):
        account.failed_attempts, account.locked_until = 0, None  # a new series
    account.failed_attempts += 1
    account.last_failed_at = now
    if account.failed_attempts >= LOCKOUT_THRESHOLD:
        account.failed_attempts, account.locked_until = 0, now + LOCKOUT_DURATION
    account.save(update_fields=["failed_attempts", "last_failed_at", "locked_until"])
    if account.locked_until is not None:
        log.warning("citizen account %s locked until %s", account.pk, account.locked_until.isoformat())
        return AccountLocked(account.locked_until)
    return InvalidCredentials()


def _fail_unknown_identifier(key: str, password: str, now: datetime):
    """Answer an unknown identifier exactly as a wrong password: the same hashing work, the same
    counting, the same lock, kept in the shared cache under a keyed fingerprint."""
    cache = caches[settings.VSSID_RATELIMIT_CACHE]
    cache_key = _UNKNOWN_KEY + fingerprint(key)
    state = cache.get(cache_key) or {}
    locked_until = _from_timestamp(state.get("locked_until"))
    if locked_until is not None and locked_until > now:
        raise AccountLocked(locked_until)
    # One hash at the current cost: the work of an account's check, from the first request of a
    # process on (a stored dummy hash made lazily cost the first unknown identifier two).
    make_password(password or "")
    failures = state.get("failures", 0)
    last_failed_at = _from_timestamp(state.get("last_failed_at"))
    if (locked_until is not None and locked_until <= now) or (
        last_failed_at is not None and now - last_failed_at > FAILURE_MEMORY
    ):
        failures = 0
    failures += 1
    locked_until = None
    if failures >= LOCKOUT_THRESHOLD:
        failures, locked_until = 0, now + LOCKOUT_DURATION
    cache.set(cache_key, {
        "failures": failures, "last_failed_at": now.timestamp(),
        "locked_until": locked_until.timestamp() if locked_until else None,
    }, timeout=int((FAILURE_MEMORY + LOCKOUT_DURATION).total_seconds()))
    if locked_until is not None:
        raise AccountLocked(locked_until)
    raise InvalidCredentials


def _from_timestamp(value) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=UTC)


def _set_password(account: CitizenAccount, raw: str, now: datetime) -> None:
    account.password = make_password(raw)
    account.must_change_password = False
    account.password_changed_at = now
    account.failed_attempts, account.last_failed_at, account.locked_until = 0, None, None
    account.save(update_fields=[
        "password", "must_change_password", "password_changed_at", "failed_attempts", "last_failed_at",
        "locked_until",
    ])


def _reset_code_digest(reset_id, code: str) -> str:
    return salted_hmac(_RESET_CODE_SALT, f"{reset_id}:{code}", algorithm="sha256").hexdigest()


def _masked_phone(e164: str) -> str:
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    return f"{national[:4]} *** {national[-3:]}"
