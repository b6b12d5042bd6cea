"""Walking the citizen's registration in a real browser, one step at a time, for the tests that need
to stop on a page along the way (accessibility, keyboard, zoom)."""
import re

from tests.support.images import make_card_jpeg, make_portrait_jpeg

# A person of the demo registry (registry.services.DEMO_PEOPLE) that neither test_registration.py
# nor test_office_path.py uses, so the tests share the server without meeting.
DUC = {"name": "Phạm Minh Đức", "dob": ("20", "11", "2001"), "sex": "Nam", "number": "4801234567",
       "cccd": "048201009876", "phone": "0356 789 012", "e164": "+84356789012",
       "province": "Đà Nẵng", "street": "Số 3 đường Bạch Đằng", "email": ""}
# No email: test_registration.py expects the only email in the shared outbox to be its own.

CONTINUE = "Tiếp tục"


def next_step(page):
    page.get_by_role("button", name=CONTINUE).click()


def start(page, base_url):
    page.goto(base_url + "/")
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url(re.compile(r"/to-khai/thong-tin-ca-nhan/"))


def personal(page, person=DUC):
    page.get_by_label("Họ và tên").fill(person["name"])
    page.get_by_label("Ngày", exact=True).fill(person["dob"][0])
    page.get_by_label("Tháng").fill(person["dob"][1])
    page.get_by_label("Năm").fill(person["dob"][2])
    page.get_by_label(person["sex"], exact=True).check()
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/ma-so-bhxh/"))


def social_insurance_number(page, person=DUC):
    page.get_by_label("Mã số BHXH của bạn").fill(person["number"])
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/giay-to/"))


def id_document(page, person=DUC):
    page.get_by_label("Căn cước / CCCD").check()
    page.get_by_label("Số giấy tờ").fill(person["cccd"])
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/tinh-thanh/"))


def choose_province(page, name):
    """Picks the province whose name contains `name` in the select labelled Tỉnh/thành phố."""
    select = page.get_by_label("Tỉnh/thành phố")
    select.select_option(label=select.locator("option", has_text=name).first.inner_text().strip())


def province(page, person=DUC):
    choose_province(page, person["province"])
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/dia-chi/"))


def address(page, person=DUC):
    page.get_by_label("Xã/phường").select_option(index=1)
    page.get_by_label("Số nhà, đường, thôn/xóm").fill(person["street"])
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/lien-he/"))


def contact(page, person=DUC):
    page.get_by_label("Số điện thoại di động").fill(person["phone"])
    if person["email"]:
        page.get_by_label("Email").fill(person["email"])
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/anh/$"))


def photos(page, tmp_path, seed=21):
    portrait, front, back = tmp_path / "portrait.jpg", tmp_path / "front.jpg", tmp_path / "back.jpg"
    portrait.write_bytes(make_portrait_jpeg())
    front.write_bytes(make_card_jpeg(seed=seed))
    back.write_bytes(make_card_jpeg(seed=seed + 1))
    page.set_input_files("#id_portrait", str(portrait))
    page.set_input_files("#id_id_front", str(front))
    page.set_input_files("#id_id_back", str(back))
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/co-quan/"))


def office(page):
    page.locator("input[name=office]").first.check()
    next_step(page)
    page.wait_for_url(re.compile(r"/to-khai/kiem-tra/"))


def send(page) -> str:
    page.get_by_role("button", name="Gửi tờ khai").click()
    page.wait_for_url(re.compile(r"/xac-nhan/"))
    return page.locator(".reference").inner_text()


def site_command(live_site, *args, stdin=None) -> str:
    """`vssid …` with the running site's environment: its database, its storage."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "vssid", *args], env=live_site["env"], input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout
