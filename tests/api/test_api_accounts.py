"""The citizen's account through the API: login token, forced first change, account data, password
change, logout, reset. The accounts fixtures make the account as the desk does (activate_account)
and the real worker sends the credentials SMS to a fake provider."""
import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.conftest import (  # noqa: F401 - fixtures
    NEW_PASSWORD,
    PERSON,
    _clean_counters_and_outboxes,
    account_in_use,
    activate,
    make_declaration,
    with_one_time_password,
)
from tests.accounts.sms_provider import sms_provider  # noqa: F401 - a fixture
from vssid.accounts import services
from vssid.accounts.models import CitizenAccount
from vssid.api.models import AccountToken

from .helpers import App, codes

USERNAME = PERSON["social_insurance_number"]
CHOSEN = "Mua-thu-Ha-Noi-2026"


@pytest.fixture
def app(client, db):
    return App(client)


def log_in(app, identifier=USERNAME, password=NEW_PASSWORD, **extra):
    response = app.post("/account/login", {"identifier": identifier, "password": password}, **extra)
    if response.status_code == 200:
        app.token = response.json()["token"]
    return response


@pytest.mark.django_db(transaction=True)  # the worker sends what was committed
def test_activation_first_login_forced_change_and_account_data(activate, run_worker, sms_provider, app):
    account = activate()
    run_worker()
    one_time = sms_provider.delivered[0].one_time_password()

    response = log_in(app, password=one_time.lower())  # a phone keyboard's lower case is fine

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["must_change_password"] is True
    assert set(body) == {"token", "expires_at", "must_change_password"}
    stored = AccountToken.objects.get()
    assert stored.hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in stored.hash
    assert stored.expires_at - stored.created_at == timedelta(days=30)
    assert response["Cache-Control"] == "no-store"

    # Forced: everything but the change and logout is refused.
    refused = app.get("/account")
    assert refused.status_code == 403 and codes(refused) == [(None, "password_change_required")]

    changed = app.post("/account/password", {"old_password": one_time, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204, changed.content

    data = app.get("/account")
    assert data.status_code == 200, data.content
    data = data.json()
    assert data["social_insurance_number"] == USERNAME
    assert data["full_name"].upper() == PERSON["full_name"].upper()
    assert data["date_of_birth"] == "1995-04-12"
    assert data["mobile_phone"] == "0912 *** 678" and "345" not in data["mobile_phone"]
    assert data["email"] == PERSON["email"]
    assert data["office"]["name"] == "Bảo hiểm xã hội cơ sở Bến Thành Thử"
    assert data["must_change_password"] is False
    titles = [event["title"] for event in data["history"]]
    assert titles[0] == "Gửi tờ khai đăng ký giao dịch điện tử"
    assert "Gửi mật khẩu lần đầu bằng tin nhắn" in titles and titles[-1] == "Đổi mật khẩu"
    account.refresh_from_db()
    assert account.must_change_password is False


def test_english_messages(account_in_use, app):
    response = log_in(app, password="wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "password" in response.json()["errors"][0]["message"].lower()
    assert response["Content-Language"] == "en"


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(account_in_use, app):
    wrong = log_in(app, password="not-the-password")
    unknown = log_in(app, identifier="0999999999", password="not-the-password")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert codes(wrong) == [("password", "invalid_credentials")]
    assert not wrong.has_header("WWW-Authenticate")
    assert AccountToken.objects.count() == 0


@pytest.mark.parametrize("identifier", [USERNAME, "0999999999"])
def test_five_wrong_passwords_lock_known_and_unknown_alike(account_in_use, app, identifier):
    answers = [log_in(app, identifier=identifier, password=f"wrong-{i}") for i in range(5)]

    assert [a.status_code for a in answers] == [401, 401, 401, 401, 423]
    locked = answers[-1]
    assert codes(locked) == [(None, "account_locked")]
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    # Even the right password is refused during the lock.
    again = log_in(app, identifier=identifier, password=NEW_PASSWORD)
    assert again.status_code == 423 and codes(again) == [(None, "account_locked")]


def test_the_client_rate_limit(account_in_use, app, settings):
    settings.VSSID_LOGIN_RATE_PER_CLIENT = "2/h"
    for _ in range(2):
        assert log_in(app, password="wrong").status_code == 401
    limited = log_in(app, password="wrong")
    assert limited.status_code == 429 and codes(limited) == [(None, "rate_limited")]
    assert int(limited["Retry-After"]) > 0


def test_the_account_endpoints_need_a_login_token_not_a_draft_token(account_in_use, app):
    assert app.get("/account").status_code == 401
    app.start()  # a draft token
    response = app.get("/account")
    assert response.status_code == 401 and codes(response) == [("Authorization", "unauthorized")]
    assert response["WWW-Authenticate"] == "Bearer"


def test_logout_revokes_only_this_token(account_in_use, client):
    phone, tablet = App(client), App(client)
    assert log_in(phone).status_code == log_in(tablet).status_code == 200

    assert phone.post("/account/logout").status_code == 204

    assert phone.get("/account").status_code == 401
    assert phone.post("/account/logout").status_code == 401
    assert tablet.get("/account").status_code == 200
    assert AccountToken.objects.filter(revoked_at__isnull=False).count() == 1


def test_a_password_change_keeps_this_token_and_ends_the_others(account_in_use, client):
    phone, tablet = App(client), App(client)
    log_in(phone), log_in(tablet)

    changed = phone.post("/account/password", {"old_password": NEW_PASSWORD, "new_password": CHOSEN})

    assert changed.status_code == 204, changed.content
    assert phone.get("/account").status_code == 200
    assert tablet.get("/account").status_code == 401
    assert log_in(App(client), password=NEW_PASSWORD).status_code == 401
    assert log_in(App(client), password=CHOSEN).status_code == 200


def test_a_password_changed_on_the_web_ends_the_tokens(account_in_use, app):
    log_in(app)
    services.change_password(CitizenAccount.objects.get(), NEW_PASSWORD, CHOSEN)
    assert app.get("/account").status_code == 401


def test_an_expired_token_is_refused(account_in_use, app):
    log_in(app)
    AccountToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert app.get("/account").status_code == 401


def test_password_change_errors_have_codes(account_in_use, app):
    log_in(app)

    wrong = app.post("/account/password", {"old_password": "not-it", "new_password": CHOSEN})
    assert wrong.status_code == 422 and codes(wrong) == [("old_password", "wrong_password")]

    weak = app.post("/account/password", {"old_password": NEW_PASSWORD, "new_password": "123"})
    assert weak.status_code == 422
    weak_codes = {code for field, code in codes(weak)}
    assert {field for field, code in codes(weak)} == {"new_password"}
    assert "password_too_short" in weak_codes

    same = app.post("/account/password", {"old_password": NEW_PASSWORD, "new_password": NEW_PASSWORD})
    assert codes(same) == [("new_password", "password_unchanged")]

    missing = app.post("/account/password", {"old_password": NEW_PASSWORD})
    assert missing.status_code == 422 and codes(missing) == [("new_password", "required")]


def test_wrong_current_passwords_lock_the_account_too(account_in_use, app):
    log_in(app)
    answers = [app.post("/account/password", {"old_password": f"no-{i}", "new_password": CHOSEN}) for i in range(5)]
    assert [a.status_code for a in answers] == [422, 422, 422, 422, 423]
    assert answers[-1].has_header("Retry-After")


@pytest.mark.django_db(transaction=True)  # the worker sends what was committed
def test_reset_by_sms(account_in_use, app, client, run_worker, sms_provider):
    log_in(app)  # a phone logged in before the reset

    asked = App(client).post("/account/password-reset", {"identifier": PERSON["id_document_number"], "channel": "sms"})
    assert asked.status_code == 202, asked.content
    run_worker()
    code = sms_provider.delivered[-1].code()

    bad = App(client).post("/account/password-reset/confirm",
                           {"identifier": USERNAME, "code": "000000" if code != "000000" else "111111", "new_password": CHOSEN})
    assert bad.status_code == 422 and codes(bad) == [("code", "invalid_reset_code")]
    weak = App(client).post("/account/password-reset/confirm", {"identifier": USERNAME, "code": code, "new_password": "123"})
    assert weak.status_code == 422 and {f for f, _c in codes(weak)} == {"new_password"}

    done = App(client).post("/account/password-reset/confirm", {"identifier": USERNAME, "code": code, "new_password": CHOSEN})

    assert done.status_code == 200, done.content
    assert app.get("/account").status_code == 401  # every token ended
    assert log_in(App(client), password=CHOSEN).status_code == 200
    used_again = App(client).post("/account/password-reset/confirm",
                                  {"identifier": USERNAME, "code": code, "new_password": "Khac-han-nua-2027"})
    assert codes(used_again) == [("code", "invalid_reset_code")]


def test_reset_answers_the_same_for_an_unknown_identifier(account_in_use, client, run_worker, sms_provider):
    known = App(client).post("/account/password-reset", {"identifier": USERNAME, "channel": "email"})
    unknown = App(client).post("/account/password-reset", {"identifier": "0999999999", "channel": "email"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    confirm = App(client).post("/account/password-reset/confirm",
                               {"identifier": "0999999999", "code": "123456", "new_password": CHOSEN})
    assert confirm.status_code == 422 and codes(confirm) == [("code", "invalid_reset_code")]
    bad_channel = App(client).post("/account/password-reset", {"identifier": USERNAME, "channel": "fax"})
    assert bad_channel.status_code == 422 and codes(bad_channel) == [("channel", "invalid_choice")]
