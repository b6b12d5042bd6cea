"""Draw the home-screen icons: a BHXH-blue square with "BHXH" in white Be Vietnam Pro Bold.

    .venv/bin/python scripts/make_icons.py

writes src/vssid/core/static/icons/icon-192.png, icon-512.png, icon-maskable-512.png and
apple-touch-icon.png (180 px). The PNGs are committed; run this again only to change the design.
"""
from pathlib import Path

import fontpkg_be_vietnam_pro
from PIL import Image, ImageDraw, ImageFont

BLUE = (10, 77, 140)  # #0a4d8c, the site's --blue
WHITE = (255, 255, 255)
FONT = Path(fontpkg_be_vietnam_pro.__file__).parent / "files" / "BeVietnamPro-Bold.ttf"
OUT = Path(__file__).resolve().parent.parent / "src" / "vssid" / "core" / "static" / "icons"


def icon(size: int, text_width: float) -> Image.Image:
    """`text_width`: the share of the side the word takes. A maskable icon keeps it inside the
    central 80 % safe zone and fills the whole square (the launcher cuts its own shape)."""
    scale = 4  # draw large, then shrink: smooth edges
    big = size * scale
    image = Image.new("RGB", (big, big), BLUE)
    draw = ImageDraw.Draw(image)
    font_size = big
    font = ImageFont.truetype(str(FONT), font_size)
    width = draw.textlength("BHXH", font=font)
    font = ImageFont.truetype(str(FONT), int(font_size * text_width * big / width))
    left, top, right, bottom = draw.textbbox((0, 0), "BHXH", font=font)
    gap, bar = big * 0.06, big * 0.025  # a thin underline: the header logo's frame reduced to one stroke
    text_top = (big - (bottom - top) - gap - bar) / 2  # the word and its underline, centred together
    draw.text(((big - (right - left)) / 2 - left, text_top - top), "BHXH", font=font, fill=WHITE)
    bar_top = text_top + (bottom - top) + gap
    bar_half = (right - left) / 2
    draw.rectangle((big / 2 - bar_half, bar_top, big / 2 + bar_half, bar_top + bar), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # "any" icons fill the square too: a white corner would show on dark launchers.
    outputs = {
        "icon-192.png": icon(192, 0.72),
        "icon-512.png": icon(512, 0.72),
        "icon-maskable-512.png": icon(512, 0.56),
        "apple-touch-icon.png": icon(180, 0.66),
    }
    for name, image in outputs.items():
        image.save(OUT / name, "PNG", optimize=True)
        print(OUT / name, image.size)


if __name__ == "__main__":
    main()
