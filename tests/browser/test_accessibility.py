"""WCAG 2.2 AA in the real browser: axe-core finds no violation on any page of the citizen's flow or
the desk (on a 360 × 800 phone), the registration's step 2 works with the keyboard alone, with the
focus always visible, and nothing scrolls sideways at 200 % zoom."""
import re

import pytest

from tests.browser import flow
from tests.browser.a11y import axe_violations, describe

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}
OFFICER_PASSWORD = "Quay-tiep-nhan-48-duc"
NEW_PASSWORD = "Song-Han-cau-Rong-2025"
# A CCCD's QR code for the same person (number||name|ddmmyyyy|sex|address|issue date).
DUC_QR = "048201009876||Phạm Minh Đức|20112001|Nam|Đà Nẵng|01022021"


class Audit:
    """axe-core on each page visited; all the violations are reported together at the end."""

    def __init__(self, page):
        self.page, self.pages, self.findings = page, [], {}

    def __call__(self, name):
        self.page.wait_for_load_state("load")
        self.pages.append(name)
        violations = axe_violations(self.page)
        if violations:
            self.findings[f"{name} ({self.page.url})"] = violations

    def assert_clean(self):
        assert not self.findings, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(
            f"{name}:\n{describe(v)}" for name, v in self.findings.items())


def _submit_empty(page, name=flow.CONTINUE):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")
    assert page.title().startswith("Lỗi:"), page.url


@pytest.fixture(scope="module")
def citizen_walk(live_site, browser, tmp_path_factory):
    """The whole registration on a phone, with axe-core on every page, with and without errors."""
    base = live_site["url"]
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    audit = Audit(page)

    page.goto(base + "/")
    audit("start")
    flow.start(page, base)
    audit("personal")
    _submit_empty(page)
    audit("personal, errors")
    flow.personal(page)

    audit("social insurance number")
    page.get_by_label("Mã số BHXH của bạn").fill("12")
    _submit_empty(page)
    audit("social insurance number, errors")

    page.goto(base + "/tra-cuu-ma-so-bhxh/")
    audit("look-up")
    page.get_by_label("Họ và tên").fill("")
    _submit_empty(page, "Tra cứu")
    audit("look-up, errors")
    flow.choose_province(page, flow.DUC["province"])
    page.get_by_label("Họ và tên").fill("Không Có Ai")
    page.get_by_label("Ngày", exact=True).fill("1")
    page.get_by_label("Tháng").fill("1")
    page.get_by_label("Năm").fill("1970")
    page.locator("#id_id_number").fill("048170000000")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state("load")
    audit("look-up, neutral answer")

    page.goto(base + "/to-khai/ma-so-bhxh/")
    flow.social_insurance_number(page)
    audit("ID document")
    _submit_empty(page)
    audit("ID document, errors")
    flow.id_document(page)
    audit("province")
    _submit_empty(page)
    audit("province, errors")
    flow.province(page)
    audit("address")
    _submit_empty(page)
    audit("address, errors")
    flow.address(page)
    audit("contact")
    page.get_by_label("Số điện thoại di động").fill("12")
    _submit_empty(page)
    audit("contact, errors")
    flow.contact(page)
    audit("photos")
    _submit_empty(page)
    audit("photos, errors")
    flow.photos(page, tmp_path_factory.mktemp("photos"))
    audit("office")
    _submit_empty(page)
    audit("office, errors")
    flow.office(page)
    audit("check answers")

    page.goto(base + "/to-khai/quet-ma/")
    audit("scan")
    page.get_by_role("button", name="Đọc mã QR").click()
    page.wait_for_load_state("load")
    audit("scan, errors")
    page.locator("[data-scan-text]").evaluate("(input, text) => { input.value = text; }", DUC_QR)
    page.locator("[data-scan-form]").evaluate("form => form.submit()")
    page.wait_for_url(re.compile(r"/to-khai/quet-ma/xac-nhan/"))
    audit("scan confirm")

    page.goto(base + "/to-khai/kiem-tra/")
    reference = flow.send(page)
    audit("confirmation")
    page.set_viewport_size({"width": 640, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.set_viewport_size(PHONE)

    # A second declaration, on another phone, abandoned: the under-age page, then the cancel page.
    context.close()
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = audit.page = context.new_page()
    flow.start(page, base)
    page.get_by_label("Họ và tên").fill("Phạm Minh An")
    page.get_by_label("Ngày", exact=True).fill("1")
    page.get_by_label("Tháng").fill("6")
    page.get_by_label("Năm").fill("2016")
    page.get_by_label("Nam", exact=True).check()
    flow.next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/chua-du-tuoi/"))
    audit("under age")
    page.goto(base + "/to-khai/huy/")
    audit("cancel")

    page.goto(base + "/tai-khoan/dang-nhap/")
    audit("account login")
    _submit_empty(page, "Đăng nhập")
    audit("account login, errors")
    page.goto(base + "/tai-khoan/quen-mat-khau/")
    audit("forgot password")
    _submit_empty(page, "Gửi mã xác nhận")
    audit("forgot password, errors")
    response = page.goto(base + "/khong-co-trang-nay/")
    assert response.status == 404
    audit("error 404")

    context.close()
    return {"reference": reference, "audit": audit, "confirmation_overflows": overflow}


def test_every_citizen_page_passes_axe(citizen_walk):
    citizen_walk["audit"].assert_clean()
    assert len(citizen_walk["audit"].pages) >= 30


def test_every_desk_page_and_the_password_change_pass_axe(live_site, browser, citizen_walk):
    base, reference = live_site["url"], citizen_walk["reference"]
    office_code = flow.site_command(live_site, "shell", "-c", (
        "from vssid.declarations.models import Declaration;"
        f"print(Declaration.objects.get(reference_code='{reference.replace('-', '')}').office.code)"
    )).strip().splitlines()[-1]
    flow.site_command(live_site, "officer", "create", "--username", "can.bo.duc", "--office", office_code,
                      "--role", "officer", "--full-name", "Lê Văn Tâm", "--password-stdin",
                      stdin=OFFICER_PASSWORD + "\n")
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    desk = context.new_page()
    audit = Audit(desk)

    desk.goto(base + "/can-bo/dang-nhap/")
    audit("officer login")
    _submit_empty(desk, "Đăng nhập")
    audit("officer login, errors")
    desk.get_by_label("Tên đăng nhập").fill("can.bo.duc")
    desk.get_by_label("Mật khẩu").fill(OFFICER_PASSWORD)
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.wait_for_url(re.compile(r"/can-bo/$"))
    audit("queue")
    desk.locator("#id_q").fill(reference.replace("-", ""))
    desk.locator("#id_q").press("Enter")
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[0-9a-f-]+/$"))
    declaration_url = desk.url
    desk.wait_for_load_state("networkidle")
    audit("declaration")

    desk.goto(declaration_url + "tu-choi/")
    audit("reject")
    _submit_empty(desk, "Từ chối tờ khai")
    audit("reject, errors")

    desk.goto(declaration_url + "duyet/")
    audit("approve")
    _submit_empty(desk, "Duyệt và kích hoạt tài khoản")
    audit("approve, errors")

    desk.goto(base + "/can-bo/ke-khai-ho/")
    audit("assisted registration, first step")

    desk.goto(declaration_url + "duyet/")
    desk.get_by_label("Đã đối chiếu bản gốc giấy tờ tùy thân").check()
    desk.get_by_role("button", name="Duyệt và kích hoạt tài khoản").click()
    desk.wait_for_url(re.compile(r"/can-bo/ho-so/[0-9a-f-]+/$"))
    audit("declaration, approved")
    context.close()

    # The citizen's first login leads to the password change.
    from tests.browser.test_office_path import _wait_for_sms

    text = _wait_for_sms(live_site, flow.DUC["e164"], "Mat khau")
    password = re.search(r"Mat khau: ([A-Z0-9]+)", text).group(1)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    phone = context.new_page()
    citizen = Audit(phone)
    phone.goto(base + "/tai-khoan/dang-nhap/")
    phone.get_by_label("Mã số BHXH hoặc số CCCD").fill(flow.DUC["number"])
    phone.get_by_label("Mật khẩu", exact=True).fill(password)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url(re.compile(r"/tai-khoan/doi-mat-khau/"))
    citizen("password change")
    _submit_empty(phone, "Lưu mật khẩu mới")
    citizen("password change, errors")
    phone.get_by_label("Mật khẩu hiện tại").fill(password)
    phone.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Lưu mật khẩu mới").click()
    phone.wait_for_url(re.compile(r"/tai-khoan/$"))
    citizen("account home")
    context.close()

    audit.findings.update(citizen.findings)
    audit.assert_clean()


# Keyboard only -------------------------------------------------------------------------------------

FOCUS_VISIBLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {tag: e.tagName, id: e.id, name: e.getAttribute('name'), text: (e.innerText || '').trim().slice(0, 40),
          cls: e.className, visible: outline || s.boxShadow !== 'none'};
}"""


class Keyboard:
    def __init__(self, page):
        self.page, self.seen = page, 0

    def focused(self):
        return self.page.evaluate(FOCUS_VISIBLE)

    def tab_to(self, matches, limit=40, backwards=False):
        """Tab (or Shift+Tab) until the focused element matches; the focus is visible at each stop."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            element = self.focused()
            assert element is not None, "the focus was lost"
            assert element["visible"], f"the focus is not visible on {element}"
            self.seen += 1
            if matches(element):
                return element
        raise AssertionError("never reached the control with the keyboard")

    def tab_to_name(self, name, **kwargs):
        return self.tab_to(lambda e: e["name"] == name or e["id"] == name, **kwargs)

    def tab_to_button(self, text="Tiếp tục", **kwargs):
        return self.tab_to(lambda e: e["tag"] == "BUTTON" and e["text"] == text, **kwargs)

    def type_into(self, name, text):
        self.tab_to_name(name)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def submit(self, url_pattern):
        self.tab_to_button()
        with self.page.expect_navigation(url=re.compile(url_pattern)):
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state("load")


def test_step_2_with_the_keyboard_alone(live_site, browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=1)
    page = context.new_page()
    keys = Keyboard(page)
    person = flow.DUC
    page.goto(live_site["url"] + "/")

    # The skip link is the first stop, and is visible when focused.
    first = keys.tab_to(lambda e: True)
    assert first["cls"] == "skip-link"
    keys.tab_to_button("Bắt đầu")
    with page.expect_navigation(url=re.compile(r"/to-khai/thong-tin-ca-nhan/")):
        page.keyboard.press("Enter")

    # A failed submit moves the focus to the error summary, whose links lead to the fields.
    keys.submit(r"/to-khai/thong-tin-ca-nhan/")
    assert page.title().startswith("Lỗi:")
    summary = keys.focused()
    assert "error-summary" in summary["cls"] and summary["visible"]
    keys.tab_to(lambda e: e["tag"] == "A" and e["text"])
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_full_name"
    page.keyboard.type(person["name"])
    keys.type_into("dob_day", person["dob"][0])
    keys.type_into("dob_month", person["dob"][1])
    keys.type_into("dob_year", person["dob"][2])
    keys.tab_to_name("sex")
    page.keyboard.press("Space")
    # Back and forth with Shift+Tab: the name kept what was typed.
    keys.tab_to_name("full_name", backwards=True)
    assert page.input_value("#id_full_name") == person["name"]
    keys.tab_to_name("dob_day")
    keys.submit(r"/to-khai/ma-so-bhxh/")

    keys.type_into("social_insurance_number", person["number"])
    keys.submit(r"/to-khai/giay-to/")

    keys.tab_to_name("id_document_type")
    page.keyboard.press("Space")
    keys.type_into("id_document_number", person["cccd"])
    keys.submit(r"/to-khai/tinh-thanh/")

    keys.tab_to_name("address_province")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_address_province")
    keys.submit(r"/to-khai/dia-chi/")

    keys.tab_to_name("address_commune")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#id_address_commune")
    keys.type_into("address_street", person["street"])
    keys.submit(r"/to-khai/lien-he/")

    keys.type_into("mobile_phone", person["phone"])
    keys.submit(r"/to-khai/anh/(#.*)?$")
    assert not page.title().startswith("Lỗi:")
    assert keys.seen > 20
    context.close()


# 200 % zoom ----------------------------------------------------------------------------------------

def test_nothing_scrolls_sideways_at_200_percent_zoom(live_site, browser, tmp_path):
    """A 1280 px wide desktop at 200 % zoom lays the page out in 640 CSS px."""
    base = live_site["url"]
    context = browser.new_context(viewport={"width": 640, "height": 800}, locale="vi-VN", device_scale_factor=2)
    page = context.new_page()
    wide = []

    def check(name):
        page.wait_for_load_state("load")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide.append((name, page.url, width))

    for path in ["/", "/tai-khoan/dang-nhap/", "/tai-khoan/quen-mat-khau/", "/khong-co-trang-nay/",
                 "/can-bo/dang-nhap/"]:
        page.goto(base + path)
        check(path)
    person = {**flow.DUC, "name": "Phạm Minh Đức Anh", "email": ""}
    flow.start(page, base)
    check("personal")
    _submit_empty(page)
    check("personal, errors")
    flow.personal(page, person)
    check("social insurance number")
    page.goto(base + "/tra-cuu-ma-so-bhxh/")
    check("look-up")
    page.goto(base + "/to-khai/quet-ma/")
    check("scan")
    page.goto(base + "/to-khai/ma-so-bhxh/")
    flow.social_insurance_number(page, person)
    check("ID document")
    flow.id_document(page, person)
    check("province")
    flow.province(page, person)
    check("address")
    flow.address(page, person)
    check("contact")
    page.get_by_label("Số điện thoại di động").fill(person["phone"])
    flow.next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/anh/$"))
    check("photos")
    flow.photos(page, tmp_path, seed=31)
    check("office")
    flow.office(page)
    check("check answers")
    page.goto(base + "/to-khai/huy/")
    check("cancel")
    context.close()
    assert not wide, f"pages wider than the 640 px viewport: {wide}"


def test_the_confirmation_does_not_scroll_sideways_at_200_percent_zoom(citizen_walk):
    assert not citizen_walk["confirmation_overflows"]
