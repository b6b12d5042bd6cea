"""Without a network, on a phone: the service worker shows the offline page, and a step's typed
answers survive a submit pressed while offline and a reload."""
import re

import pytest

from tests.browser.screenshots import shoot

pytestmark = pytest.mark.browser

MESSAGE = "Mất kết nối mạng. Thông tin bạn vừa nhập vẫn còn trên trang; hãy bấm lại khi có mạng."


def _wait_for_service_worker(page):
    # Predicates are written as functions: Playwright evaluates a bare expression with eval(),
    # which the site's CSP (no 'unsafe-eval') refuses.
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                           timeout=15000)
    # Installed means precached: the offline page is in the cache before the network goes.
    page.wait_for_function(
        "() => caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.match('/ngoai-tuyen/')))))"
        ".then(found => found.some(Boolean))", timeout=15000)


def test_the_service_worker_shows_the_offline_page(live_site, phone):
    page = phone
    page.goto(live_site["url"] + "/")
    _wait_for_service_worker(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    page.context.set_offline(True)
    page.goto(live_site["url"] + "/tra-cuu-ma-so-bhxh/")
    assert page.get_by_role("heading", level=1).inner_text() == "Không có kết nối mạng"
    assert "vẫn được lưu trên hệ thống" in page.content()
    shoot(page, "phone-07-offline")
    page.context.set_offline(False)
    # "Thử lại" opens the page that could not be reached.
    page.get_by_role("link", name="Thử lại").click()
    page.wait_for_load_state()
    assert "Không có kết nối mạng" not in page.title()
    assert page.url.endswith("/tra-cuu-ma-so-bhxh/")

    # Nothing but the offline page and static files was ever stored.
    stored = page.evaluate(
        "caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => new URL(r.url).pathname))")
    assert "/ngoai-tuyen/" in stored
    assert all(path == "/ngoai-tuyen/" or path.startswith("/static/") for path in stored), stored


def test_typed_answers_survive_a_lost_connection(live_site, phone):
    page = phone
    page.goto(live_site["url"] + "/")
    _wait_for_service_worker(page)
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url(re.compile(r"/to-khai/"))
    step_url = page.url

    page.get_by_label("Họ và tên").fill("Lê Văn Cường")
    page.get_by_label("Ngày", exact=True).fill("7")
    page.get_by_label("Tháng").fill("11")
    page.get_by_label("Năm").fill("1979")
    page.get_by_label("Nam", exact=True).check()

    # The connection drops; the citizen presses "Tiếp tục".
    page.context.set_offline(True)
    page.get_by_role("button", name="Tiếp tục").click()
    status = page.locator("main [role=status]", has_text=MESSAGE)
    status.wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert page.url == step_url
    assert page.get_by_label("Họ và tên").input_value() == "Lê Văn Cường"
    assert page.get_by_label("Năm").input_value() == "1979"

    # A reload while still offline shows the offline page in place of the step …
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == "Không có kết nối mạng"
    # … and back online, "Thử lại" brings the step back with the typed text in it.
    page.context.set_offline(False)
    page.get_by_role("link", name="Thử lại").click()
    page.wait_for_load_state()
    assert page.url == step_url
    assert page.get_by_label("Họ và tên").input_value() == "Lê Văn Cường"
    assert page.get_by_label("Tháng").input_value() == "11"
    page.get_by_label("Nam", exact=True).check()

    # Online, the same button sends the step, and the copy in the tab is dropped.
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(lambda url: url != step_url)
    assert not page.title().startswith("Lỗi:")
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('vssid-draft'))") == []
