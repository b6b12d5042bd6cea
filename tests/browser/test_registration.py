"""A whole registration in a real browser on a phone-size screen."""
import re

import pytest
import zxingcpp

from tests.browser.screenshots import shoot
from tests.support.images import make_card_jpeg, make_portrait_jpeg

pytestmark = pytest.mark.browser

def _shoot(page, name, desktop=False):
    shoot(page, "phone-" + name, desktop=desktop)


def test_a_citizen_registers_on_a_phone(live_site, phone, tmp_path):
    page = phone
    portrait, front, back = tmp_path / "portrait.jpg", tmp_path / "front.jpg", tmp_path / "back.jpg"
    portrait.write_bytes(make_portrait_jpeg())
    front.write_bytes(make_card_jpeg(seed=1))
    back.write_bytes(make_card_jpeg(seed=2))

    page.goto(live_site["url"] + "/")
    _shoot(page, "01-start", desktop=True)
    page.get_by_role("button", name="Bắt đầu").click()

    # Step 2: an error first, to see the summary and the kept answers.
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_role("button", name="Tiếp tục").click()
    assert page.title().startswith("Lỗi:")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label("Họ và tên").input_value() == "Trần Thị Bình"
    _shoot(page, "02-error", desktop=True)
    page.get_by_label("Ngày", exact=True).fill("15")
    page.get_by_label("Tháng").fill("3")
    page.get_by_label("Năm").fill("1990")
    page.get_by_label("Nữ").check()
    page.get_by_role("button", name="Tiếp tục").click()

    page.get_by_label("Mã số BHXH của bạn").fill("01234 56789")
    page.get_by_role("button", name="Tiếp tục").click()

    page.get_by_label("Căn cước / CCCD").check()
    page.get_by_label("Số giấy tờ").fill("001 190 012 345")
    page.get_by_role("button", name="Tiếp tục").click()

    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Hà Nội")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Xã/phường").select_option(index=1)
    page.get_by_label("Số nhà, đường, thôn/xóm").fill("Số 12 phố Hàng Bông")
    page.get_by_role("button", name="Tiếp tục").click()

    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_label("Email").fill("binh.tran@example.vn")
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 3: photos, downscaled in the page before upload.
    page.set_input_files("#id_portrait", str(portrait))
    page.set_input_files("#id_id_front", str(front))
    page.set_input_files("#id_id_back", str(back))
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 4: the nearest office and the email.
    page.wait_for_url(re.compile(r"/to-khai/co-quan/"))
    _shoot(page, "04-office")
    page.locator("input[name=office]").first.check()
    page.get_by_label("Gửi email tờ khai cho tôi").check()
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 5: check answers, then send.
    page.wait_for_url(re.compile(r"/to-khai/kiem-tra/"))
    assert "TRẦN THỊ BÌNH" in page.content()
    assert page.locator(".thumbnails img").count() == 3
    _shoot(page, "05-check", desktop=True)
    page.get_by_role("button", name="Gửi tờ khai").click()

    page.wait_for_url(re.compile(r"/xac-nhan/"))
    _shoot(page, "06-confirmation", desktop=True)
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]{2}", reference)
    assert "bản gốc giấy tờ tùy thân" in page.content()

    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải tờ khai (PDF)").click()
    pdf_path = tmp_path / "to-khai.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")

    # The PDF's QR code carries the reference code.
    import pypdfium2

    bitmap = pypdfium2.PdfDocument(str(pdf_path))[0].render(scale=3).to_pil()
    codes = [c.text for c in zxingcpp.read_barcodes(bitmap)]
    assert reference.replace("-", "") in codes

    # The job worker sends the email; the readable outbox holds it.
    outbox = live_site["var"] / "outbox" / "email"
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
            outbox.exists() and any("binh.tran@example.vn" in p.read_text(errors="replace") for p in outbox.iterdir())):
        time.sleep(0.5)
    # Other browser tests share the server; only this citizen's messages count here.
    messages = [p.read_text(errors="replace") for p in outbox.iterdir()]
    mine = [m for m in messages if "binh.tran@example.vn" in m]
    assert len(mine) == 1
    assert "application/pdf" in mine[0]

    # The photos are not addressable by anyone else.
    other = page.context.browser.new_context()
    stranger = other.new_page()
    response = stranger.goto(live_site["url"] + "/to-khai/anh/portrait/")
    assert response.status == 404
    other.close()

    # The personal data never reached the server's log while it served the registration (before
    # that, `serve` lists the demo people to try, on purpose).
    log = live_site["log"].read_text().split("Open http", 1)[1]
    for personal in ["Trần Thị Bình", "0123456789", "001190012345", "912345678", "binh.tran"]:
        assert personal not in log
