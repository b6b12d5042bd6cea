"""Officer accounts: creation with a strong password, login with lockout, re-authentication.

Lockout: 5 wrong passwords in a row lock the account for 15 minutes (the rule BHXH applies to
citizens' accounts, domain.md §1, applied to officers too). The counter lives on OfficerProfile;
a correct password resets it. While locked, even the right password is refused, so guessing
cannot continue in the background. Attempts per client address are also rate-limited, which
slows a password spray across many usernames.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import get_password_validators, validate_password
from django.db import transaction
from django.utils import timezone

from vssid.core import ratelimit
from vssid.places.models import Office

from . import audit
from .models import OfficerProfile

log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Per client address: generous for an office behind one NAT address, useless for a spray.
LOGIN_RATE_PER_CLIENT = "30/15m"
# A decision needs a password typed within this long (re-authentication): an unattended desk
# cannot approve anything.
REAUTHENTICATE_AFTER = timedelta(minutes=10)
SESSION_AUTHENTICATED_AT = "desk_authenticated_at"
# An officer's session ends after a working day, not after the citizens' 45 days.
SESSION_AGE_SECONDS = 9 * 60 * 60

# Stronger than Django's defaults: 12 characters, not like the username, not a common or
# all-digit password. Kept here, not in settings.AUTH_PASSWORD_VALIDATORS, because citizens'
# passwords (vssid.accounts) follow their own rules.
OFFICER_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def validate_officer_password(password: str, user=None) -> None:
    """Raise django.core.exceptions.ValidationError with every rule the password breaks."""
    validate_password(password, user, password_validators=get_password_validators(OFFICER_PASSWORD_VALIDATORS))


class OfficerExists(Exception):
    pass


@transaction.atomic
def create_officer(*, username: str, password: str, office: Office, role: str, full_name: str = "",
                   created_by: OfficerProfile | None = None, client: str = "") -> OfficerProfile:
    """A new officer account. Raises ValidationError for a weak password, OfficerExists for a
    taken username."""
    User = get_user_model()
    if role not in OfficerProfile.Role.values:
        raise ValueError(f"unknown role {role}")
    if User.objects.filter(username=username).exists():
        raise OfficerExists(username)
    user = User(username=username, first_name=full_name[:150])
    validate_officer_password(password, user)
    user.set_password(password)
    user.save()
    officer = OfficerProfile.objects.create(user=user, office=office, role=role)
    audit.record(audit.Action.OFFICER_CREATED, officer=created_by, client=client,
                 detail=f"user:{user.pk},role:{role},office:{office.code.lower()}")
    return officer


@dataclass(frozen=True)
class LoginResult:
    officer: OfficerProfile | None = None
    locked_minutes: int = 0  # > 0: the account is locked for about this long
    rate_limited: bool = False

    @property
    def ok(self) -> bool:
        return self.officer is not None


def log_in(username: str, password: str, *, client: str) -> LoginResult:
    """Check an officer's username and password, counting failures towards the lockout."""
    try:
        ratelimit.hit("desk-login", client or "unknown", LOGIN_RATE_PER_CLIENT)
    except ratelimit.RateLimited:
        return LoginResult(rate_limited=True)
    now = timezone.now()
    officer = (
        OfficerProfile.objects.select_related("user", "office").filter(user__username=username).first()
    )
    if officer is None or not officer.user.is_active:
        # The same work as a real check, so the answer's timing does not tell whether the
        # username exists (Django's ModelBackend does the same).
        get_user_model()().set_password(password)
        return LoginResult()
    if officer.is_locked(now):
        return LoginResult(locked_minutes=_minutes_left(officer, now))
    if officer.user.check_password(password):
        if officer.failed_logins:
            OfficerProfile.objects.filter(pk=officer.pk).update(failed_logins=0, locked_until=None)
            officer.failed_logins, officer.locked_until = 0, None
        audit.record(audit.Action.LOGIN, officer=officer, client=client)
        return LoginResult(officer=officer)
    locked = register_failure(officer, client=client)
    return LoginResult(locked_minutes=_minutes_left(locked, now) if locked.is_locked(now) else 0)


@transaction.atomic
def register_failure(officer: OfficerProfile, *, client: str) -> OfficerProfile:
    """Count one wrong password; the fifth in a row locks the account for LOCKOUT."""
    locked = OfficerProfile.objects.select_for_update().select_related("user", "office").get(pk=officer.pk)
    now = timezone.now()
    locked.failed_logins += 1
    audit.record(audit.Action.LOGIN_FAILED, officer=locked, client=client, detail=f"count:{locked.failed_logins}")
    if locked.failed_logins >= MAX_FAILED_LOGINS:
        locked.failed_logins = 0
        locked.locked_until = now + LOCKOUT
        audit.record(audit.Action.LOCKED_OUT, officer=locked, client=client)
        log.warning("officer account %s locked after %d failed logins", locked.user_id, MAX_FAILED_LOGINS)
    locked.save(update_fields=["failed_logins", "locked_until"])
    return locked


def unlock(officer: OfficerProfile, *, by: OfficerProfile | None = None, client: str = "") -> None:
    OfficerProfile.objects.filter(pk=officer.pk).update(failed_logins=0, locked_until=None)
    audit.record(audit.Action.OFFICER_UNLOCKED, officer=by, client=client, detail=f"user:{officer.user_id}")


def _minutes_left(officer: OfficerProfile, now) -> int:
    return max(1, -(-int((officer.locked_until - now).total_seconds()) // 60))


# Re-authentication ---------------------------------------------------------------------------------

def mark_authenticated(session) -> None:
    session[SESSION_AUTHENTICATED_AT] = timezone.now().isoformat()


def needs_reauthentication(session) -> bool:
    stamp = session.get(SESSION_AUTHENTICATED_AT)
    if not stamp:
        return True
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return True
    return timezone.now() - at > REAUTHENTICATE_AFTER


def reauthenticate(officer: OfficerProfile, password: str, *, session, client: str) -> bool:
    """Confirm the logged-in officer's password before a decision. A wrong one counts towards the
    lockout like a failed login, so the prompt cannot be used to guess."""
    now = timezone.now()
    officer.refresh_from_db(fields=["failed_logins", "locked_until"])
    if officer.is_locked(now):
        return False
    if officer.user.check_password(password):
        mark_authenticated(session)
        audit.record(audit.Action.REAUTHENTICATE, officer=officer, client=client)
        return True
    register_failure(officer, client=client)
    return False

