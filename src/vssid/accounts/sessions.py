"""The citizen's login session: the account id in Django's session, checked on every request.

Besides the id the session keeps a keyed hash of the account's password hash (as Django's auth
does): a password changed or reset elsewhere ends every other session at its next request. The
session key is rotated at login, so a key planted before login (session fixation) is worthless.

The browser session itself lasts 45 days (a bookmarked confirmation page must keep working), far too
long for a logged-in account on a shared phone or an office computer: the login part ends
LOGIN_MAX_AGE after login, and the rest of the session (the declaration in progress) stays.
"""
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import CitizenAccount
from .services import SESSION_HASH_SALT

SESSION_ACCOUNT_KEY = "citizen_account_id"
SESSION_HASH_KEY = "citizen_account_hash"
SESSION_STARTED_KEY = "citizen_login_at"
LOGIN_MAX_AGE = timedelta(hours=8)


def _password_fingerprint(account: CitizenAccount) -> str:
    return salted_hmac(SESSION_HASH_SALT, account.password, algorithm="sha256").hexdigest()


def start_session(request, account: CitizenAccount) -> None:
    request.session.cycle_key()
    request.session[SESSION_ACCOUNT_KEY] = str(account.pk)
    request.session[SESSION_HASH_KEY] = _password_fingerprint(account)
    request.session[SESSION_STARTED_KEY] = timezone.now().timestamp()


def refresh_session(request, account: CitizenAccount) -> None:
    """After the citizen changed their own password: keep this session, end the others."""
    request.session.cycle_key()
    request.session[SESSION_HASH_KEY] = _password_fingerprint(account)


def end_session(request) -> None:
    # Everything goes, the declaration in progress included: logging out on a shared phone or an
    # office computer must leave nothing of the person behind.
    request.session.flush()


def account_of_session(request) -> CitizenAccount | None:
    account_id = request.session.get(SESSION_ACCOUNT_KEY)
    if not account_id:
        return None
    account = CitizenAccount.objects.select_related(
        "declaration", "declaration__office", "declaration__address_province", "declaration__address_commune",
    ).filter(pk=account_id).first()
    stored = request.session.get(SESSION_HASH_KEY, "")
    started = datetime.fromtimestamp(request.session.get(SESSION_STARTED_KEY, 0), tz=UTC)
    if (
        account is None
        or not constant_time_compare(stored, _password_fingerprint(account))
        or timezone.now() - started > LOGIN_MAX_AGE
    ):
        for key in (SESSION_ACCOUNT_KEY, SESSION_HASH_KEY, SESSION_STARTED_KEY):
            request.session.pop(key, None)
        return None
    return account
