"""Login with mã số BHXH or CCCD number; 5 wrong passwords lock for 15 minutes; nothing tells an
unknown identifier from a wrong password; the session is rotated and tied to the password."""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.accounts.conftest import NEW_PASSWORD, page_without_tokens
from vssid.accounts import services
from vssid.accounts.models import CitizenAccount
from vssid.accounts.sessions import SESSION_ACCOUNT_KEY
from vssid.core.ratelimit import RateLimited

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"
CLIENT = "192.0.2.20"


def wrong(n, identifier="0131579246", *, now, client=CLIENT):
    """n wrong passwords; returns the errors raised."""
    errors = []
    for _ in range(n):
        with pytest.raises((services.InvalidCredentials, services.AccountLocked)) as caught:
            services.log_in(identifier, "khong-phai-mat-khau", client=client, now=now)
        errors.append(caught.value)
    return errors


def test_login_by_social_insurance_number_or_cccd_number_as_people_type_them(account_in_use):
    assert services.log_in("0131579246", NEW_PASSWORD, client=CLIENT) == account_in_use
    assert services.log_in(" 0131 579 246 ", NEW_PASSWORD, client=CLIENT) == account_in_use
    assert services.log_in("001095012345", NEW_PASSWORD, client=CLIENT) == account_in_use
    assert services.log_in("001.095.012.345", NEW_PASSWORD, client=CLIENT) == account_in_use


def test_the_one_time_password_is_accepted_in_lower_case_and_with_spaces(with_one_time_password):
    account, one_time = with_one_time_password()

    assert services.log_in("0131579246", f" {one_time[:5].lower()} {one_time[5:]}", client=CLIENT) == account


def test_a_chosen_password_is_case_sensitive(account_in_use):
    with pytest.raises(services.InvalidCredentials):
        services.log_in("0131579246", NEW_PASSWORD.lower(), client=CLIENT)


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(account_in_use):
    now = timezone.now()

    errors = wrong(5, now=now)

    assert [type(e).__name__ for e in errors] == ["InvalidCredentials"] * 4 + ["AccountLocked"]
    assert errors[-1].until == now + timedelta(minutes=15)
    account_in_use.refresh_from_db()
    assert account_in_use.locked_until == now + timedelta(minutes=15)
    # Locked: even the right password is refused, and it does not extend the lock.
    with pytest.raises(services.AccountLocked) as locked:
        services.log_in("0131579246", NEW_PASSWORD, client=CLIENT, now=now + timedelta(minutes=14, seconds=59))
    assert locked.value.until == now + timedelta(minutes=15)


def test_the_lock_lifts_after_fifteen_minutes_and_a_new_series_starts(account_in_use):
    now = timezone.now()
    wrong(5, now=now)
    later = now + timedelta(minutes=15)

    assert services.log_in("0131579246", NEW_PASSWORD, client=CLIENT, now=later) == account_in_use
    account_in_use.refresh_from_db()
    assert (account_in_use.failed_attempts, account_in_use.locked_until) == (0, None)
    assert [type(e).__name__ for e in wrong(5, now=later)][-2:] == ["InvalidCredentials", "AccountLocked"]


def test_a_wrong_password_after_the_lock_expires_starts_a_new_count(account_in_use):
    now = timezone.now()
    wrong(5, now=now)

    errors = wrong(4, now=now + timedelta(minutes=16))

    assert all(isinstance(e, services.InvalidCredentials) for e in errors)


def test_a_right_password_resets_the_count(account_in_use):
    now = timezone.now()
    wrong(4, now=now)
    services.log_in("0131579246", NEW_PASSWORD, client=CLIENT, now=now)

    assert all(isinstance(e, services.InvalidCredentials) for e in wrong(4, now=now))


def test_wrong_passwords_are_forgotten_a_day_after_the_last_one(account_in_use):
    now = timezone.now()
    wrong(4, now=now)

    errors = wrong(4, now=now + timedelta(hours=24, seconds=1))

    assert all(isinstance(e, services.InvalidCredentials) for e in errors)


def test_the_cccd_number_and_the_social_insurance_number_share_one_lock(account_in_use):
    now = timezone.now()
    wrong(3, now=now)

    errors = wrong(2, "001095012345", now=now)

    assert isinstance(errors[-1], services.AccountLocked)


def test_an_unknown_identifier_is_answered_like_a_wrong_password_lock_included(account_in_use):
    now = timezone.now()

    known = wrong(5, now=now)
    unknown = wrong(5, "0999999999", now=now)

    assert [type(e) for e in unknown] == [type(e) for e in known]
    assert unknown[-1].until == known[-1].until
    with pytest.raises(services.AccountLocked):
        services.log_in("0999999999", NEW_PASSWORD, client=CLIENT, now=now + timedelta(minutes=14))
    with pytest.raises(services.InvalidCredentials):
        services.log_in("0999999999", NEW_PASSWORD, client=CLIENT, now=now + timedelta(minutes=15))


def test_the_login_page_answers_an_unknown_identifier_and_a_wrong_password_alike(account_in_use, client):
    wrong_password = client.post(LOGIN, {"identifier": "0131579246", "password": "sai-mat-khau-1"})
    unknown = client.post(LOGIN, {"identifier": "0999999999", "password": "sai-mat-khau-1"})

    assert wrong_password.status_code == unknown.status_code == 200
    assert page_without_tokens(wrong_password, "0131579246") == page_without_tokens(unknown, "0999999999")
    text = wrong_password.content.decode()
    assert "Mã số BHXH, số CCCD hoặc mật khẩu không đúng" in text
    assert "<title>Lỗi: Đăng nhập" in text
    assert 'value="0131579246"' in text  # the identifier is kept
    assert "sai-mat-khau-1" not in text  # the password is not


def test_the_locked_page_is_the_same_for_an_unknown_identifier(account_in_use, client, settings):
    pages = {}
    # The page says until when the lock lasts, to the minute: both lockouts must happen in the
    # same minute, or the pages differ for a reason that is not a leak.
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        for identifier in ("0131579246", "0999999999"):
            for _ in range(5):
                response = client.post(LOGIN, {"identifier": identifier, "password": "sai-mat-khau-1"})
            pages[identifier] = page_without_tokens(response, identifier)

    assert pages["0131579246"] == pages["0999999999"]
    assert "Tài khoản tạm khóa vì nhập sai mật khẩu 5 lần" in pages["0131579246"]


def test_logging_in_rotates_the_session_key_and_keeps_the_declaration(account_in_use, client):
    session = client.session
    session["declaration_id"] = str(account_in_use.declaration_id)
    session.save()
    before = client.cookies["sessionid"].value

    response = client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert client.cookies["sessionid"].value != before
    assert client.session[SESSION_ACCOUNT_KEY] == str(account_in_use.pk)
    assert client.session["declaration_id"] == str(account_in_use.declaration_id)


def test_login_returns_to_a_local_page_only(account_in_use, client):
    local = client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD, "next": "/tai-khoan/?tab=1"})
    client.post("/tai-khoan/dang-xuat/")
    foreign = client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD,
                                  "next": "https://evil.example/tai-khoan/"})

    assert local["Location"] == "/tai-khoan/?tab=1"
    assert foreign["Location"] == "/tai-khoan/"


def test_a_page_for_citizens_sends_a_visitor_to_login_and_back(account_in_use, client):
    response = client.get("/tai-khoan/")

    assert response.status_code == 302 and response["Location"] == "/tai-khoan/dang-nhap/?next=%2Ftai-khoan%2F"
    page = client.get(response["Location"])
    assert 'name="next" value="/tai-khoan/"' in page.content.decode()


def test_logout_is_a_post_and_ends_the_session(account_in_use, client):
    client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD})

    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    response = client.post("/tai-khoan/dang-xuat/")

    assert response["Location"] == LOGIN
    assert SESSION_ACCOUNT_KEY not in client.session
    assert client.get("/tai-khoan/").status_code == 302


def test_a_password_changed_elsewhere_ends_this_session(account_in_use, client, client_factory):
    client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD})
    assert client.get("/tai-khoan/").status_code == 200

    services.change_password(CitizenAccount.objects.get(), NEW_PASSWORD, "Mot-mat-khau-khac-2026")

    assert client.get("/tai-khoan/").status_code == 302


def test_login_attempts_are_limited_per_client(account_in_use, client, settings):
    settings.VSSID_LOGIN_RATE_PER_CLIENT = "3/15m"
    for _ in range(3):
        client.post(LOGIN, {"identifier": "0999999999", "password": "sai-mat-khau-1"}, REMOTE_ADDR="198.51.100.9")

    limited = client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD}, REMOTE_ADDR="198.51.100.9")
    other_client = client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD}, REMOTE_ADDR="198.51.100.10")

    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "Bạn đã thử quá nhiều lần" in limited.content.decode()
    assert other_client.status_code == 302


def test_the_service_refuses_past_the_rate_before_checking_anything(account_in_use, settings):
    settings.VSSID_LOGIN_RATE_PER_CLIENT = "1/15m"
    services.log_in("0131579246", NEW_PASSWORD, client=CLIENT)

    with pytest.raises(RateLimited):
        services.log_in("0131579246", NEW_PASSWORD, client=CLIENT)
    account_in_use.refresh_from_db()
    assert account_in_use.failed_attempts == 0


def test_empty_fields_say_what_to_type(client, db):
    response = client.post(LOGIN, {"identifier": "", "password": ""})

    text = response.content.decode()
    assert "Nhập mã số BHXH hoặc số CCCD" in text and "Nhập mật khẩu" in text
    assert 'href="#id_identifier"' in text and "novalidate" in text


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_the_login_ends_eight_hours_after_it_began_and_the_declaration_stays(account_in_use, client, monkeypatch):
    session = client.session
    session["declaration_id"] = str(account_in_use.declaration_id)
    session.save()
    client.post(LOGIN, {"identifier": "0131579246", "password": NEW_PASSWORD})
    logged_in_at = timezone.now()

    monkeypatch.setattr(timezone, "now", lambda: logged_in_at + timedelta(hours=7, minutes=59))
    assert client.get("/tai-khoan/").status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: logged_in_at + timedelta(hours=8, minutes=1))
    assert client.get("/tai-khoan/").status_code == 302

    assert SESSION_ACCOUNT_KEY not in client.session
    assert client.session["declaration_id"] == str(account_in_use.declaration_id)
