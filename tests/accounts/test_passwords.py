"""Changing the password: forced after the first login, checked against the rules with Vietnamese
messages that say what to do, stored with Argon2."""
import pytest
from django.core.exceptions import ValidationError

import vssid.settings as production_settings
from tests.accounts.conftest import LOGIN_DATA, NEW_PASSWORD
from vssid.accounts import services
from vssid.accounts.models import CitizenAccount

pytestmark = pytest.mark.django_db

CHANGE = "/tai-khoan/doi-mat-khau/"


def rule_messages(account, old, new) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        services.change_password(account, old, new)
    return refused.value.messages


@pytest.mark.parametrize(("new", "message"), [
    ("Ab1-xyz", "Mật khẩu phải có ít nhất 8 ký tự"),
    ("password123", "Mật khẩu này quá phổ biến và dễ bị đoán. Hãy chọn mật khẩu khác"),
    ("20250917311", "Mật khẩu không được chỉ gồm chữ số. Hãy thêm chữ cái"),
    ("bhxh-0131579246", "Mật khẩu không được chứa mã số BHXH, số giấy tờ tùy thân hay số điện thoại của bạn"),
    ("cccd001095012345!", "Mật khẩu không được chứa mã số BHXH, số giấy tờ tùy thân hay số điện thoại của bạn"),
    ("goi-0912345678", "Mật khẩu không được chứa mã số BHXH, số giấy tờ tùy thân hay số điện thoại của bạn"),
])
def test_each_rule_refuses_with_a_vietnamese_message(with_one_time_password, new, message):
    account, one_time = with_one_time_password()

    assert message in rule_messages(account, one_time, new)
    account.refresh_from_db()
    assert account.must_change_password  # nothing changed


def test_all_broken_rules_are_listed_at_once(with_one_time_password):
    account, one_time = with_one_time_password()

    assert rule_messages(account, one_time, "1234567") == [
        "Mật khẩu phải có ít nhất 8 ký tự",
        "Mật khẩu này quá phổ biến và dễ bị đoán. Hãy chọn mật khẩu khác",
        "Mật khẩu không được chỉ gồm chữ số. Hãy thêm chữ cái",
    ]


def test_the_new_password_must_differ_from_the_current_one(account_in_use):
    assert rule_messages(account_in_use, NEW_PASSWORD, NEW_PASSWORD) == ["Mật khẩu mới phải khác mật khẩu hiện tại"]


def test_a_good_password_replaces_the_one_time_password(with_one_time_password):
    account, one_time = with_one_time_password()

    services.change_password(account, one_time, NEW_PASSWORD)

    account.refresh_from_db()
    assert not account.must_change_password and account.password_changed_at is not None
    assert services.log_in("0131579246", NEW_PASSWORD, client="192.0.2.30") == account
    with pytest.raises(services.InvalidCredentials):
        services.log_in("0131579246", one_time, client="192.0.2.30")


def test_a_wrong_current_password_counts_toward_the_lock(account_in_use):
    for _ in range(4):
        with pytest.raises(services.WrongPassword):
            services.change_password(account_in_use, "khong-dung-1", "Mat-khau-moi-2026")

    with pytest.raises(services.AccountLocked):
        services.change_password(account_in_use, "khong-dung-1", "Mat-khau-moi-2026")
    with pytest.raises(services.AccountLocked):
        services.log_in("0131579246", NEW_PASSWORD, client="192.0.2.30")


def test_the_first_login_leads_to_the_change_page_and_nowhere_else(with_one_time_password, client):
    account, one_time = with_one_time_password()
    client.post("/tai-khoan/dang-nhap/", {"identifier": "0131579246", "password": one_time})

    page = client.get(CHANGE)
    assert "Đặt mật khẩu mới" in page.content.decode()
    assert 'class="back-link"' not in page.content.decode()
    assert client.get("/tai-khoan/")["Location"] == CHANGE

    done = client.post(CHANGE, {"current_password": one_time, "new_password": NEW_PASSWORD,
                                "new_password_again": NEW_PASSWORD})

    assert done["Location"] == "/tai-khoan/"
    assert client.get("/tai-khoan/").status_code == 200  # the session survived its own change
    assert CitizenAccount.objects.get().must_change_password is False


def test_the_change_page_shows_every_error_with_a_summary(account_in_use, client):
    client.post("/tai-khoan/dang-nhap/", LOGIN_DATA)

    response = client.post(CHANGE, {"current_password": NEW_PASSWORD, "new_password": "abc",
                                    "new_password_again": "abd"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Lỗi: Đổi mật khẩu" in text
    assert "Có lỗi cần sửa" in text
    assert "Mật khẩu nhập lại không khớp. Hãy nhập lại cho giống hệt" in text
    assert 'href="#id_new_password_again"' in text
    # The rules are checked once both copies agree (one problem at a time); the hint says them ahead.
    assert "Ít nhất 8 ký tự, có chữ cái" in text
    assert "Mật khẩu phải có ít nhất 8 ký tự" not in text
    response = client.post(CHANGE, {"current_password": NEW_PASSWORD, "new_password": "abc",
                                    "new_password_again": "abc"})
    text = response.content.decode()
    assert 'id="id_new_password-error"' in text and "Mật khẩu phải có ít nhất 8 ký tự" in text
    assert 'value="abc"' not in text  # passwords are never echoed back


def test_a_wrong_current_password_is_said_on_its_field(account_in_use, client):
    client.post("/tai-khoan/dang-nhap/", LOGIN_DATA)

    response = client.post(CHANGE, {"current_password": "khong-dung-1", "new_password": "Mat-khau-moi-2026",
                                    "new_password_again": "Mat-khau-moi-2026"})

    assert 'id="id_current_password-error"' in response.content.decode()
    assert "Mật khẩu hiện tại không đúng" in response.content.decode()


def test_passwords_are_hashed_with_the_production_argon2_settings(with_one_time_password, settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    account, one_time = with_one_time_password()

    services.change_password(account, one_time, NEW_PASSWORD)

    account.refresh_from_db()
    assert account.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert services.log_in("0131579246", NEW_PASSWORD, client="192.0.2.30") == account


def test_a_weaker_hash_is_upgraded_at_the_next_login(account_in_use, settings):
    assert account_in_use.password.startswith("argon2$argon2id$v=19$m=64,t=1,p=1$")
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS

    services.log_in("0131579246", NEW_PASSWORD, client="192.0.2.30")

    account_in_use.refresh_from_db()
    assert account_in_use.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")


def test_the_settings_list_the_rules_with_vietnamese_messages():
    names = [rule["NAME"].rsplit(".", 1)[1] for rule in production_settings.AUTH_PASSWORD_VALIDATORS]
    assert names[:2] == ["MinimumLengthValidator", "CommonPasswordValidator"]
    assert all(rule["NAME"].startswith("vssid.accounts.password_validation.")
               for rule in production_settings.AUTH_PASSWORD_VALIDATORS)
    assert production_settings.AUTH_PASSWORD_VALIDATORS[0]["OPTIONS"] == {"min_length": 8}
