"""Creating officer accounts: the administration page and `vssid officer`."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from vssid.desk.models import AuditEvent, OfficerProfile

from .conftest import HANOI_B, SAIGON, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_desk(make_officer):
    return logged_in(make_officer("quan.tri", role=OfficerProfile.Role.ADMINISTRATOR))


def form(**changes):
    data = {"username": "can.bo.moi", "full_name": "Lê Văn Cường", "office": SAIGON, "role": "officer",
            "password1": "Tiep-nhan-ho-so-79", "password2": "Tiep-nhan-ho-so-79"}
    data.update(changes)
    return data


def test_an_administrator_creates_an_officer_who_can_then_log_in(admin_desk):
    page = admin_desk.get(reverse("desk:officers")).content.decode()
    assert "Tạo tài khoản cán bộ" in page and "quan.tri" in page
    response = admin_desk.post(reverse("desk:officers"), form())
    assert response.status_code == 302
    created = OfficerProfile.objects.get(user__username="can.bo.moi")
    assert (created.office.code, created.role, created.user.first_name) == (SAIGON, "officer", "Lê Văn Cường")
    event = AuditEvent.objects.filter(action="officer_created", username="quan.tri").get()
    assert event.detail == f"user:{created.user_id},role:officer,office:79-cs-01"
    login = Client().post(reverse("desk:login"), {"username": "can.bo.moi", "password": "Tiep-nhan-ho-so-79"})
    assert login.status_code == 302


@pytest.mark.parametrize("changes,field", [
    ({"password1": "ngan-qua", "password2": "ngan-qua"}, "password1"),
    ({"password1": "123456789012345", "password2": "123456789012345"}, "password1"),
    ({"password2": "Tiep-nhan-ho-so-80"}, "password2"),
    ({"username": "Cán Bộ"}, "username"),
    ({"office": "XX-99"}, "office"),
    ({"role": "god"}, "role"),
])
def test_the_form_refuses_weak_passwords_and_bad_values(admin_desk, changes, field):
    response = admin_desk.post(reverse("desk:officers"), form(**changes))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert "<title>Lỗi:" in response.content.decode()
    assert not OfficerProfile.objects.filter(user__username=form(**changes)["username"]).exists()


def test_a_taken_username_is_refused(admin_desk):
    admin_desk.post(reverse("desk:officers"), form())
    response = admin_desk.post(reverse("desk:officers"), form(office=HANOI_B))
    assert "Tên đăng nhập này đã có người dùng" in response.content.decode()


def test_the_command_creates_an_officer_with_a_password_from_stdin(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Mat-khau-rat-manh-2025\n"))
    out = io.StringIO()
    call_command("officer", "create", "--username", "giam.sat.hn", "--office", "01-CS-01", "--role", "supervisor",
                 "--full-name", "Phạm Thu Hà", "--password-stdin", stdout=out)
    assert "giam.sat.hn (supervisor) created at 01-CS-01" in out.getvalue()
    officer = OfficerProfile.objects.get(user__username="giam.sat.hn")
    assert officer.user.check_password("Mat-khau-rat-manh-2025") and officer.role == "supervisor"


def test_the_command_prompts_twice_when_no_stdin_password(db, monkeypatch):
    answers = iter(["Mat-khau-rat-manh-2025", "Mat-khau-rat-manh-2025"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("officer", "create", "--username", "can.bo.x", "--office", "01-CS-01", "--role", "officer",
                 stdout=io.StringIO())
    assert OfficerProfile.objects.filter(user__username="can.bo.x").exists()


@pytest.mark.parametrize("args,stdin,message", [
    (["--office", "01-CS-01"], "ngan\n", "Password refused"),
    (["--office", "ZZ-0"], "Mat-khau-rat-manh-2025\n", "No office"),
])
def test_the_command_explains_what_is_wrong(db, monkeypatch, args, stdin, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    with pytest.raises(CommandError, match=message):
        call_command("officer", "create", "--username", "can.bo.y", "--role", "officer", "--password-stdin", *args)


def test_the_command_unlocks_an_account(officer, clock):
    from vssid.desk import officers

    for _ in range(5):
        officers.log_in("can.bo.a", "sai-mat-khau", client="10.1.1.1")
    assert OfficerProfile.objects.get(pk=officer.pk).is_locked()
    call_command("officer", "unlock", "--username", "can.bo.a", stdout=io.StringIO())
    assert not OfficerProfile.objects.get(pk=officer.pk).is_locked()


def test_the_command_lists_office_codes(db):
    out = io.StringIO()
    call_command("officer", "offices", "--province", "79", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines and all(line.startswith("79-") for line in lines)
    assert any(line.startswith(SAIGON + "\t") for line in lines)
