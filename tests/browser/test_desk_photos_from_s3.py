"""With the photos in a bucket, the officer's browser fetches each one, encrypted, from the S3 server
by its signed link and decrypts it with WebCrypto: the pictures show, their bytes came from the
bucket, and the desk's streaming view was never asked; with the bucket out of reach, the photos are
streamed instead (docs/storage.md, "How officers see photos").
http://127.0.0.1 is a secure context, so WebCrypto is there as it is over HTTPS."""
import re

import pytest

from tests.browser.flow import site_command
from tests.support.images import make_card_jpeg, make_portrait_jpeg

pytestmark = pytest.mark.browser

OFFICE = "01-CS-01"
PASSWORD = "Quay-tiep-nhan-01-anh"

# A sent declaration with three photos through store_photo (encrypted, into the site's bucket),
# built directly: the citizen's pages have their own browser tests.
MAKE_DECLARATION = """
import secrets
from pathlib import Path
from datetime import date
from django.utils import timezone
from vssid.declarations import deadlines
from vssid.declarations.models import Declaration
from vssid.declarations.reference import new_reference_code
from vssid.photos.services import store_photo
from vssid.places.models import Commune, Office
folder = Path({folder!r})
now = timezone.now()
d = Declaration.objects.create(
    status=Declaration.Status.SUBMITTED, full_name="Lê Thị Thu", date_of_birth=date(1992, 4, 8), sex="female",
    social_insurance_number="0112233445", id_document_type=Declaration.DocumentType.CCCD,
    id_document_number="001192044556", address_province_id="01",
    address_commune=Commune.objects.filter(province_id="01").order_by("code").first(),
    address_street="Số 8 phố Huế", mobile_phone="+84911223344", email="", office=Office.objects.get(code={office!r}),
    email_declaration=False, portrait=store_photo((folder / "portrait.jpg").read_bytes(), "portrait"),
    id_front=store_photo((folder / "id_front.jpg").read_bytes(), "id_front"),
    id_back=store_photo((folder / "id_back.jpg").read_bytes(), "id_back"),
    reference_code=new_reference_code(), confirmation_token=secrets.token_urlsafe(32), submitted_at=now,
    visit_due_date=deadlines.visit_due_date(now))
print(d.pk)
"""

ALL_SHOWN = """() => {
  const images = document.querySelectorAll(".desk-photos img");
  return images.length === 3 && Array.from(images).every((image) => image.complete && image.naturalWidth > 0);
}"""


def test_the_officer_sees_the_photos_decrypted_from_the_bucket(live_site_s3, browser, tmp_path):
    site, s3 = live_site_s3, live_site_s3["env"]["VSSID_S3_ENDPOINT_URL"]
    (tmp_path / "portrait.jpg").write_bytes(make_portrait_jpeg())
    (tmp_path / "id_front.jpg").write_bytes(make_card_jpeg(seed=31))
    (tmp_path / "id_back.jpg").write_bytes(make_card_jpeg(seed=32))
    pk = site_command(site, "shell", "-c", MAKE_DECLARATION.format(folder=str(tmp_path), office=OFFICE))
    pk = pk.strip().splitlines()[-1]
    site_command(site, "officer", "create", "--username", "can.bo.anh", "--office", OFFICE, "--role", "officer",
                 "--full-name", "Đỗ Văn Minh", "--password-stdin", stdin=PASSWORD + "\n")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    requests, s3_answers, console = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: response.url.startswith(s3 + "/") and s3_answers.append(
        (response.status, response.request.method, response.headers.get("content-type", ""))))
    page.on("console", lambda message: message.type in ("error", "warning") and console.append(message.text))
    page.goto(site["url"] + "/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("can.bo.anh")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/can-bo/$"))

    page.goto(f"{site['url']}/can-bo/ho-so/{pk}/")
    page.wait_for_function(ALL_SHOWN, timeout=15_000)

    images = page.locator(".desk-photos img")
    assert [images.nth(i).get_attribute("alt") for i in range(3)] == [
        "Ảnh cá nhân", "Ảnh mặt trước giấy tờ", "Ảnh mặt sau giấy tờ"]  # as when streamed
    # Decrypted in the page (blob: URLs), from three answers of the bucket, none from the desk's view.
    assert all(images.nth(i).evaluate("image => image.src.startsWith('blob:')") for i in range(3))
    assert [(status, method) for status, method, _type in s3_answers] == [(200, "GET")] * 3
    assert not [url for url in requests if re.search(r"/can-bo/ho-so/[^/]+/anh/", url)]
    # The keys were read once and are no longer in the page.
    assert page.locator("[data-sealed-key]").count() == 0
    assert not [text for text in console if "Content Security Policy" in text or "CORS" in text], console

    # The bucket out of reach: the photos still show, streamed by the desk's view.
    page.route(s3 + "/**", lambda route: route.abort())
    page.reload()
    page.wait_for_function(ALL_SHOWN, timeout=15_000)
    assert all(images.nth(i).evaluate("image => new URL(image.src).pathname.includes('/anh/')") for i in range(3))
    context.close()
