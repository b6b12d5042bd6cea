"""The whole path in a real browser: a citizen sends a declaration on a phone, an officer finds it
by its reference code at the desk and approves it, the password arrives by SMS, the citizen logs in
and changes it."""
import json
import re
import time

import pytest

from tests.browser.screenshots import shoot
from tests.browser.flow import site_command
from tests.support.images import make_card_jpeg, make_portrait_jpeg

pytestmark = pytest.mark.browser

# A person of the demo registry the server loads (registry.services.DEMO_PEOPLE), not the one
# test_registration.py uses, so the two tests share the server without meeting.
AN = {"name": "Nguyễn Văn An", "dob": ("2", "9", "1985"), "number": "7912345678", "cccd": "079085001234",
      "phone": "0987 654 321", "e164": "+84987654321", "province": "Thành phố Hồ Chí Minh"}
OFFICER_PASSWORD = "Quay-tiep-nhan-79-an"


def _shoot(page, name):
    shoot(page, name)


def _register(page, base_url, tmp_path) -> str:
    portrait, front, back = tmp_path / "p.jpg", tmp_path / "f.jpg", tmp_path / "b.jpg"
    portrait.write_bytes(make_portrait_jpeg())
    front.write_bytes(make_card_jpeg(seed=11))
    back.write_bytes(make_card_jpeg(seed=12))
    page.goto(base_url + "/")
    page.get_by_role("button", name="Bắt đầu").click()
    page.get_by_label("Họ và tên").fill(AN["name"])
    page.get_by_label("Ngày", exact=True).fill(AN["dob"][0])
    page.get_by_label("Tháng").fill(AN["dob"][1])
    page.get_by_label("Năm").fill(AN["dob"][2])
    page.get_by_label("Nam", exact=True).check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã số BHXH của bạn").fill(AN["number"])
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Căn cước / CCCD").check()
    page.get_by_label("Số giấy tờ").fill(AN["cccd"])
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Tỉnh/thành phố").select_option(label=AN["province"])
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Xã/phường").select_option(index=1)
    page.get_by_label("Số nhà, đường, thôn/xóm").fill("Số 5 đường Lê Lợi")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Số điện thoại di động").fill(AN["phone"])
    page.get_by_role("button", name="Tiếp tục").click()
    page.set_input_files("#id_portrait", str(portrait))
    page.set_input_files("#id_id_front", str(front))
    page.set_input_files("#id_id_back", str(back))
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/to-khai/co-quan/"))
    page.locator("input[name=office]").first.check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/to-khai/kiem-tra/"))
    page.get_by_role("button", name="Gửi tờ khai").click()
    page.wait_for_url(re.compile(r"/xac-nhan/"))
    return page.locator(".reference").inner_text()


def _wait_for_sms(live_site, to: str, containing: str, timeout: float = 60) -> str:
    outbox = live_site["var"] / "outbox" / "sms"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.json")) if outbox.is_dir() else []:
            record = json.loads(path.read_text(encoding="utf-8"))
            if record["to"] == to and containing in record["text"]:
                return record["text"]
        time.sleep(0.5)
    raise AssertionError(f"no SMS to {to} containing {containing!r} within {timeout} s")


def test_submitted_approved_sms_first_login_password_change(live_site, browser, phone, tmp_path):
    base = live_site["url"]
    reference = _register(phone, base, tmp_path)
    office_code = site_command(live_site, "shell", "-c", (
        "from vssid.declarations.models import Declaration;"
        f"print(Declaration.objects.get(reference_code='{reference.replace('-', '')}').office.code)"
    )).strip().splitlines()[-1]  # after whatever the shell itself prints
    site_command(live_site, "officer", "create", "--username", "can.bo.an", "--office", office_code,
                  "--role", "officer", "--full-name", "Võ Thị Lan", "--password-stdin", stdin=OFFICER_PASSWORD + "\n")

    # The officer, at a desktop screen.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = context.new_page()
    desk.goto(base + "/can-bo/")
    assert "/can-bo/dang-nhap/" in desk.url
    desk.get_by_label("Tên đăng nhập").fill("can.bo.an")
    desk.get_by_label("Mật khẩu").fill(OFFICER_PASSWORD)
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.wait_for_url(re.compile(r"/can-bo/$"))
    assert reference in desk.content()
    _shoot(desk, "desk-01-queue")

    # A USB scanner types the code from the citizen's screen and presses Enter.
    desk.locator("#id_q").fill(reference.replace("-", ""))
    desk.locator("#id_q").press("Enter")
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[0-9a-f-]+/$"))
    assert "NGUYỄN VĂN AN" in desk.content()
    images = desk.locator(".desk-photos img")
    assert images.count() == 3
    desk.wait_for_load_state("networkidle")
    assert all(images.nth(i).evaluate("img => img.naturalWidth > 0") for i in range(3))
    assert "Cơ sở dữ liệu BHXH" in desk.content()
    _shoot(desk, "desk-02-declaration")

    desk.get_by_role("link", name="Duyệt").click()
    desk.get_by_role("button", name="Duyệt và kích hoạt tài khoản").click()
    assert desk.title().startswith("Lỗi:")  # the original document was not ticked as checked
    desk.get_by_label("Đã đối chiếu bản gốc giấy tờ tùy thân").check()
    _shoot(desk, "desk-03-approve")
    desk.get_by_role("button", name="Duyệt và kích hoạt tài khoản").click()
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[0-9a-f-]+/$"))
    assert "0987 *** 321" in desk.content()
    assert "Đã duyệt" in desk.content()
    context.close()

    # The worker sends the credentials by SMS (the development gateway writes it to var/outbox/sms).
    text = _wait_for_sms(live_site, AN["e164"], "Mat khau")
    password = re.search(r"Mat khau: ([A-Z0-9]+)", text).group(1)
    assert AN["number"] in text

    # The citizen logs in with the mã số BHXH and must choose a password of their own.
    phone.goto(base + "/tai-khoan/dang-nhap/")
    phone.get_by_label("Mã số BHXH hoặc số CCCD").fill(AN["number"])
    phone.get_by_label("Mật khẩu", exact=True).fill(password)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url(re.compile(r"/tai-khoan/doi-mat-khau/"))
    assert "Đặt mật khẩu mới" in phone.content()
    phone.get_by_label("Mật khẩu hiện tại").fill(password)
    phone.get_by_label("Mật khẩu mới", exact=True).fill("Hoa-sen-nam-2025")
    phone.get_by_label("Nhập lại mật khẩu mới").fill("Hoa-sen-nam-2025")
    phone.get_by_role("button", name="Lưu mật khẩu mới").click()
    phone.wait_for_url(re.compile(r"/tai-khoan/$"))
    assert "Tài khoản của bạn" in phone.content()
    _shoot(phone, "citizen-account")

    # The desk's pages and the officer's actions left no personal data in the server's log.
    log = live_site["log"].read_text().split("Open http", 1)[1]
    for personal in [AN["name"], AN["number"], AN["cccd"], "987654321", password]:
        assert personal not in log
