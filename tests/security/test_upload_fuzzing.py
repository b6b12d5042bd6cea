"""Broken and hostile files sent to every endpoint that takes one: the citizen's photo step, the
desk's assisted photo step, the API's photo upload, and the three QR scanners (the citizen's scan
page, the API's, the desk's search by photo). Each gets a 4xx with a clear Vietnamese message,
never a 5xx, and nothing is stored: no Photo row, no file in the private storage.

The intake's own tests (tests/photos) fuzz the decoders with hypothesis; these prove that each
endpoint turns every refusal into a proper answer and leaves nothing behind."""
import zlib

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.api.helpers import BASE, App
from tests.photos.helpers import refusal, stored_files
from tests.support import images
from tests.support.flow import FORM_STEPS, Citizen, Walker
from vssid.declarations.models import Declaration
from vssid.photos.kinds import PhotoKind
from vssid.photos.models import Photo

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")]


def _huge_exif_and_no_picture() -> bytes:
    """4 MB of EXIF segments after a JPEG's start marker, and no picture at all."""
    segments = b"".join(b"\xff\xe1" + (65_002).to_bytes(2, "big") + b"Exif\x00\x00" + bytes(64_994) for _ in range(64))
    return b"\xff\xd8" + segments + b"\xff\xd9"


def _png_of_zeros(width: int, height: int) -> bytes:
    """A real PNG (every row present, grey) far larger unpacked than packed: a compression bomb."""
    row = b"\x00" + bytes(width)
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    chunk = lambda kind, body: len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")  # noqa: E731
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b"")


# Every file is sent as "anh.jpg", image/jpeg: what a renamed file claims to be.
BROKEN = {
    "zero bytes": b"",
    "truncated jpeg": images.truncated(images.make_card_jpeg(1200, 800, seed=31), 0.5),
    "truncated png": images.truncated(images.encode(images.make_card_image(1000, 700, seed=32), "PNG"), 0.6),
    "png bomb declared": images.png_declaring_size(100_000, 100_000),
    "png bomb of zeros": _png_of_zeros(12_000, 12_000),
    "pdf renamed jpg": images.PDF_BYTES,
    "html renamed jpg": images.HTML_BYTES,
    "50000 pixels wide": images.encode(Image.new("RGB", (50_000, 10), (200, 200, 200)), "PNG"),
    "jpeg declaring 50000 wide": images.jpeg_declaring_size(images.make_card_jpeg(800, 600, seed=33), 50_000, 600),
    "huge exif and no picture": _huge_exif_and_no_picture(),
}
CASES = pytest.mark.parametrize("data", list(BROKEN.values()), ids=list(BROKEN))


def _upload(data: bytes, field: str = "photo") -> dict:
    return {field: SimpleUploadedFile("anh.jpg", data, "image/jpeg")}


def assert_nothing_stored():
    assert not Photo.objects.exists()
    assert stored_files(storages["private"]) == []


def assert_clear_page(response, message: str | None = None):
    assert response.status_code in (413, 422), response.status_code
    page = response.content.decode()
    assert "<title>Lỗi:" in page and "Traceback" not in page
    if message is not None:
        assert message in page


@pytest.fixture
def citizen(demo_people):
    from vssid.places.models import Commune

    return Citizen(commune=Commune.objects.filter(province_id="01").order_by("code").first().code)


@pytest.fixture
def at_photos(client, citizen):
    walker = Walker(client, citizen)
    walker.fill_declaration(until="photos")
    return client


@pytest.fixture
def desk_at_photos(officer, citizen):
    from tests.desk.conftest import logged_in

    desk = logged_in(officer)
    desk.post(reverse("desk:assisted-start"))
    d = Declaration.objects.get(assisted=True)
    for slug in FORM_STEPS:
        assert desk.post(reverse("desk:assisted-step", kwargs={"pk": d.pk, "slug": slug}),
                         citizen.step_data(slug)).status_code == 302, slug
    return desk, reverse("desk:assisted-step", kwargs={"pk": d.pk, "slug": "photos"})


@CASES
def test_the_citizens_photo_step(at_photos, data):
    expected = str(refusal(data, PhotoKind.ID_FRONT).message)
    response = at_photos.post(reverse("declarations:photos"), _upload(data, "id_front"))
    assert_clear_page(response, expected)
    assert_nothing_stored()


@CASES
def test_the_desks_assisted_photo_step(desk_at_photos, data):
    desk, url = desk_at_photos
    expected = str(refusal(data, PhotoKind.PORTRAIT).message)
    assert_clear_page(desk.post(url, _upload(data, "portrait")), expected)
    assert_nothing_stored()


@CASES
def test_the_api_photo_upload(client, demo_people, citizen, data):
    app = App(client)
    app.start()
    step_answers = {}
    for slug in FORM_STEPS:
        step_answers.update(citizen.step_data(slug))
    born = step_answers.pop("dob_day"), step_answers.pop("dob_month"), step_answers.pop("dob_year")
    step_answers["date_of_birth"] = f"{born[2]}-{int(born[1]):02d}-{int(born[0]):02d}"
    assert app.patch(step_answers).status_code == 200
    expected = refusal(data, PhotoKind.ID_BACK)

    response = app.put_photo("id_back", data)

    assert response.status_code in (413, 422)
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("photo", expected.code)
    assert error["message"] == str(expected.message)
    assert_nothing_stored()


@CASES
def test_the_api_card_scanner(client, db, data):
    response = client.post(BASE + "/cards/scan", _upload(data))
    assert response.status_code in (413, 422)
    [error] = response.json()["errors"]
    assert error["field"] == "photo" and error["code"] and len(error["message"]) > 20
    assert_nothing_stored()


@CASES
def test_the_citizens_scan_page(at_photos, data):
    response = at_photos.post(reverse("declarations:scan"), _upload(data))
    assert_clear_page(response)
    assert response.context["error"]
    assert_nothing_stored()


@CASES
def test_the_desks_search_by_photo(officer, data):
    from tests.desk.conftest import logged_in

    response = logged_in(officer).post(reverse("desk:search"), {"q": "", **_upload(data)})
    assert_clear_page(response, "tệp trống" if not data else None)
    assert response.context["page_errors"]
    assert_nothing_stored()
