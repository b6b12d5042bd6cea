"""The account page: the registered data from the declaration and what happened to it."""
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.accounts.conftest import LOGIN_DATA, PERSON
from vssid.accounts.models import CitizenAccount
from vssid.notify.models import OutboundSms

pytestmark = pytest.mark.django_db


def history(page: str) -> list[str]:
    items = re.search(r"<ol class=\"list\">(.*?)</ol>", page, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", items, re.S)]


def test_the_page_shows_the_registered_data(account_in_use, client):
    client.post("/tai-khoan/dang-nhap/", LOGIN_DATA)

    response = client.get("/tai-khoan/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    for label, value in [
        ("Họ và tên", "PHẠM VĂN ĐỨC"), ("Mã số BHXH (tên đăng nhập)", "0131579246"), ("Ngày sinh", "12/04/1995"),
        ("Giới tính", "Nam"), ("Giấy tờ tùy thân", "Căn cước / CCCD: 001095012345"),
        ("Địa chỉ liên hệ", "Số 8 phố Hàng Gai, Phường Bến Thành Thử, Thành phố Thử Nghiệm"),
        ("Số điện thoại di động", "0912 345 678"), ("Email", PERSON["email"]),
    ]:
        assert re.search(
            rf'<dt class="summary-list__key">{re.escape(label)}</dt>\s*<dd class="summary-list__value">{re.escape(value)}</dd>',
            text,
        ), label


def test_the_history_tells_the_declaration_s_story_in_order(account_in_use, client):
    account = CitizenAccount.objects.get()
    # The credentials SMS was delivered (as the worker marks it).
    OutboundSms.objects.filter(object_id=account.pk).update(status="sent", sent_at=account.created_at)
    client.post("/tai-khoan/dang-nhap/", LOGIN_DATA)

    entries = history(client.get("/tai-khoan/").content.decode())

    local_submitted = timezone.localtime(account.declaration.submitted_at).strftime("%H:%M %d/%m/%Y")
    assert entries[0] == (f"{local_submitted} – Gửi tờ khai đăng ký giao dịch điện tử "
                          "(Mã hồ sơ K7Q4-M2XA-9E – nơi tiếp nhận: Bảo hiểm xã hội cơ sở Bến Thành Thử)")
    titles = [entry.split(" – ", 1)[1] for entry in entries]
    assert titles[1:] == [
        "Cơ quan BHXH duyệt tờ khai, tài khoản được kích hoạt",
        "Gửi mật khẩu lần đầu bằng tin nhắn (đến số điện thoại kết thúc bằng 678)",
        "Đổi mật khẩu",
    ]


def test_the_history_shows_a_reset_and_not_undelivered_messages(account_in_use, client):
    from vssid.accounts import services
    from vssid.accounts.models import PasswordReset

    services.start_password_reset("0131579246", "sms")
    code = services.issue_reset_code(PasswordReset.objects.get().pk)
    services.finish_password_reset("0131579246", code, "Mat-khau-lay-lai-2026")
    client.post("/tai-khoan/dang-nhap/", {"identifier": "0131579246", "password": "Mat-khau-lay-lai-2026"})

    titles = [entry.split(" – ", 1)[1] for entry in history(client.get("/tai-khoan/").content.decode())]

    assert titles[-1] == "Đặt lại mật khẩu (bằng mã gửi qua tin nhắn)"
    assert not [t for t in titles if "tin nhắn (đến số" in t]  # the credentials SMS is still pending


def test_the_accounts_migration_matches_the_models(settings):
    settings.MIGRATION_MODULES = {}
    call_command("makemigrations", "accounts", check=True, dry_run=True, stdout=io.StringIO())
