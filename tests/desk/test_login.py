"""Officers' login: the page, lockout after 5 wrong passwords for 15 minutes, re-authentication."""
import ast
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from vssid.desk import officers
from vssid.desk.models import AuditEvent, OfficerProfile

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username="can.bo.a", password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("desk:login"), data)


def test_the_login_page_asks_for_username_and_password_in_vietnamese(db):
    page = Client().get(reverse("desk:login")).content.decode()
    assert "Đăng nhập cán bộ BHXH" in page
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    # The desk is not the citizens' site: no link to a citizen's account, the brand leads to the queue.
    assert reverse("accounts:home") not in page
    assert f'class="site-header__brand" href="{reverse("desk:queue")}"' in page


def test_an_officer_logs_in_and_lands_on_the_queue(officer):
    client = Client()
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("desk:queue")
    assert client.get(reverse("desk:queue")).status_code == 200
    assert AuditEvent.objects.filter(action="login", user_id=officer.user_id, client_address="127.0.0.1").exists()
    # An officer's session lasts a working day, not the citizens' 45 days.
    assert client.session.get_expiry_age() == officers.SESSION_AGE_SECONDS


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(officer, make_declaration):
    d = make_declaration()
    page = reverse("desk:declaration", kwargs={"pk": d.pk})
    assert log_in(Client(), next_url=page)["Location"] == page
    assert log_in(Client(), next_url="https://evil.example/")["Location"] == reverse("desk:queue")


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(officer):
    wrong = log_in(Client(), password="sai-mat-khau-roi").content.decode()
    unknown = log_in(Client(), username="khong.co.ai").content.decode()
    message = "Tên đăng nhập hoặc mật khẩu không đúng"
    assert message in wrong and message in unknown
    assert "<title>Lỗi:" in wrong


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(officer, clock):
    client = Client()
    for _ in range(4):
        assert "không đúng" in log_in(client, password="sai-mat-khau").content.decode()
    locked = log_in(client, password="sai-mat-khau").content.decode()
    assert "tạm khóa" in locked and "15 phút" in locked
    # Even the right password is refused while locked.
    clock.advance(minutes=14)
    assert "tạm khóa" in log_in(client).content.decode()
    assert log_in(client).status_code == 200
    clock.advance(minutes=1, seconds=1)
    assert log_in(client).status_code == 302
    actions = [e.action for e in AuditEvent.objects.filter(user_id=officer.user_id).order_by("id")]
    assert actions.count("login_failed") == 5 and actions.count("locked_out") == 1 and actions[-1] == "login"


def test_a_correct_password_resets_the_count_of_failures(officer):
    client = Client()
    for _ in range(4):
        log_in(client, password="sai-mat-khau")
    assert log_in(client).status_code == 302
    for _ in range(4):
        log_in(Client(), password="sai-mat-khau")
    assert log_in(Client()).status_code == 302


def test_an_administrator_lifts_a_lockout(officer, make_officer, clock):
    for _ in range(5):
        log_in(Client(), password="sai-mat-khau")
    assert OfficerProfile.objects.get(pk=officer.pk).is_locked()
    admin = make_officer("quan.tri", role=OfficerProfile.Role.ADMINISTRATOR)
    from .conftest import logged_in

    page = logged_in(admin).get(reverse("desk:officers")).content.decode()
    assert "Tạm khóa" in page
    logged_in(admin).post(reverse("desk:officer-unlock", kwargs={"user_id": officer.user_id}))
    assert log_in(Client()).status_code == 302
    assert AuditEvent.objects.filter(action="officer_unlocked", user_id=admin.user_id,
                                     detail=f"user:{officer.user_id}").exists()


def test_many_attempts_from_one_address_are_slowed_down(officer, settings, monkeypatch):
    monkeypatch.setattr(officers, "LOGIN_RATE_PER_CLIENT", "3/15m")
    client = Client()
    for _ in range(3):
        log_in(client, username="ai.do", password="x")
    response = log_in(client)
    assert response.status_code == 429 and "quá nhiều lần" in response.content.decode()


def test_logging_out_ends_the_session(desk, officer):
    response = desk.post(reverse("desk:logout"))
    assert response["Location"] == reverse("desk:login")
    assert desk.get(reverse("desk:queue")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", user_id=officer.user_id).exists()


def test_logging_out_needs_a_post(desk):
    assert desk.get(reverse("desk:logout")).status_code == 405


def test_officer_passwords_must_be_strong(db):
    from django.core.exceptions import ValidationError

    for weak in ("Ngan-1", "123456789012345", "password1234", "can.bo.moi.2025"):
        with pytest.raises(ValidationError):
            officers.validate_officer_password(weak, officers.get_user_model()(username="can.bo.moi.2025"))
    officers.validate_officer_password("Quay-tiep-nhan-2025")


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    # The suite uses a fast hasher; this reads what the service itself is configured with.
    tree = ast.parse(Path(officers.__file__).parents[1].joinpath("settings.py").read_text())
    hashers = next(ast.literal_eval(node.value) for node in tree.body
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PASSWORD_HASHERS")
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
