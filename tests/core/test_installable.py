"""Installable on a phone: the web app manifest and its icons, the service worker at the root, and
the offline page it shows when the network is gone."""
import io
import json
from pathlib import Path

import pytest
from PIL import Image

import vssid

STATIC = Path(vssid.__file__).resolve().parent / "core" / "static"


@pytest.fixture
def manifest():
    return json.loads((STATIC / "manifest.webmanifest").read_text(encoding="utf-8"))


def test_the_manifest_is_served_and_says_what_the_home_screen_needs(client):
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    served = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert served["name"] == "Đăng ký giao dịch điện tử BHXH"
    assert served["short_name"] and len(served["short_name"]) <= 15
    assert served["start_url"] == "/"
    assert served["display"] == "standalone"
    assert served["theme_color"] == "#0a4d8c"
    assert served["background_color"].lower() in {"#fff", "#ffffff", "white"}
    assert served["lang"] == "vi"


def test_every_icon_exists_as_a_png_of_its_stated_size(manifest, client):
    icons = manifest["icons"]
    sizes = {icon["sizes"] for icon in icons}
    assert {"192x192", "512x512"} <= sizes
    assert any("maskable" in icon.get("purpose", "") for icon in icons)
    for icon in icons:
        assert icon["type"] == "image/png"
        path = STATIC / icon["src"]  # relative to the manifest, which sits at the static root
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = (int(n) for n in icon["sizes"].split("x"))
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert image.size == (width, height)
        response = client.get("/static/" + icon["src"])
        assert response.status_code == 200


def test_the_pages_link_the_manifest_and_the_theme_colour(client):
    html = client.get("/").content.decode()
    assert 'rel="manifest"' in html and "manifest.webmanifest" in html
    assert '<meta name="theme-color" content="#0a4d8c">' in html
    assert 'rel="apple-touch-icon"' in html


def test_the_service_worker_is_served_at_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/ngoai-tuyen/"' in body
    for asset in ["/static/css/app.css", "/static/js/app.js", "/static/fonts/BeVietnamPro-Regular.ttf"]:
        assert f'"{asset}"' in body
    for private in ["/to-khai/anh/", "/xac-nhan/", "/can-bo/", "/tai-khoan/", "/api/"]:
        assert f'"{private}"' in body  # listed as never stored
    assert "__VERSION__" not in body and "{{" not in body


def test_the_service_worker_precaches_no_page_but_the_offline_one(client):
    body = client.get("/sw.js").content.decode()
    line = next(line for line in body.splitlines() if line.startswith("var ASSETS"))
    assets = json.loads(line.split("=", 1)[1].strip().rstrip(";"))
    assert assets and all(asset.startswith("/static/") for asset in assets)


def test_the_offline_page_explains_in_vietnamese(client):
    response = client.get("/ngoai-tuyen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có kết nối mạng" in html
    assert "vẫn được lưu trên hệ thống" in html
    assert "Thử lại" in html and 'href=""' in html


def test_the_offline_page_exists_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen with the language switch
    response = client.get("/ngoai-tuyen/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Không có kết nối mạng" not in html
    assert "Try again" in html
