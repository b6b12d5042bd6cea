"""Scanning a card live from the camera, in a real browser.

Chromium's fake capture device plays a video file as the camera: the video shows a CCCD card with a
real QR code, photographed the way a phone sees it (tilted, unevenly lit, a little blurred). The
page asks for the camera, and — Chromium on Linux has no BarcodeDetector — sends frames to the
server about once a second until one decodes; then the citizen confirms what the card says.
"""
import re

import numpy as np
import pytest
from PIL import Image

from tests.support.card_photos import CardInPhoto, PhoneLook, make_card_with_qr, person, phone_photo

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.flow import start

pytestmark = pytest.mark.browser

FRAME = (1280, 720)


def write_y4m(path, frames: list[Image.Image]) -> None:
    """The frames as a YUV4MPEG2 video (4:2:0), the format Chromium's fake camera reads."""
    width, height = frames[0].size
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            y, cb, cr = (np.asarray(channel) for channel in frame.convert("YCbCr").split())
            video.write(b"FRAME\n")
            video.write(y.tobytes())
            for chroma in (cb, cr):  # 2 × 2 averaging, as 4:2:0 subsampling does
                quarter = chroma.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))
                video.write(np.round(quarter).astype(np.uint8).tobytes())


@pytest.fixture
def camera_video(tmp_path):
    who = person(7)
    look = PhoneLook(rotation=8.0, tilt=0.04, card_width=0.55, light=0.25, blur=0.8, noise=2.0)
    card = make_card_with_qr(who.cccd_qr_text(), round(FRAME[0] * look.card_width), seed=7)
    # A hand is never still: the card drifts a little from frame to frame.
    frames = [phone_photo([CardInPhoto(card, centre=(0.5 + dx, 0.5))], look, size=FRAME, seed=7 + i)
              for i, dx in enumerate((0.0, 0.01, 0.02, 0.01))]
    path = tmp_path / "card.y4m"
    write_y4m(path, frames)
    return who, path


@pytest.fixture
def phone_with_camera(playwright_driver, camera_video):
    who, video = camera_video
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ])
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN", permissions=["camera"])
    yield who, context.new_page()
    context.close()
    browser.close()


def test_a_card_held_to_the_camera_fills_the_form_after_confirmation(live_site, phone_with_camera):
    who, page = phone_with_camera
    start(page, live_site["url"])
    page.goto(live_site["url"] + "/to-khai/quet-ma/")
    assert not page.evaluate("'BarcodeDetector' in window"), "this test is about the server-side path"

    frames_sent = []
    page.on("request", lambda request: frames_sent.append(request) if request.method == "POST" else None)
    page.get_by_role("button", name="Quét bằng máy ảnh").click()
    page.wait_for_url(re.compile(r"/to-khai/quet-ma/xac-nhan/"), timeout=30_000)

    assert frames_sent, "the page should have sent camera frames to the server"
    assert all("multipart/form-data" in (r.headers.get("content-type") or "") for r in frames_sent)
    confirmation = page.locator("main").inner_text()
    assert who.full_name.upper() in confirmation  # as the card prints it
    assert who.cccd in confirmation

    page.get_by_role("button", name="Điền vào tờ khai").click()
    page.wait_for_url(lambda url: "/quet-ma/" not in url)
    page.goto(live_site["url"] + "/to-khai/thong-tin-ca-nhan/")
    assert page.get_by_label("Họ và tên").input_value().casefold() == who.full_name.casefold()
    assert page.get_by_label("Năm").input_value() == str(who.date_of_birth.year)
