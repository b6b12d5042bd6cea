"""Synthetic pictures for tests: ID-card-like images, a real face, and ways to spoil them.

Everything is generated in memory and deterministic (a seed picks the layout), so the suites that
reuse these builders (photos, the registration flow, the browser tests) see the same bytes every
run. `make_card_jpeg()` and `make_portrait_jpeg()` return pictures that pass every intake check.
"""
from __future__ import annotations

import functools
import io
import math
import random
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Words printed on the synthetic cards. Plain ASCII: the bundled font has no Vietnamese glyphs,
# and the checks only care that there are sharp strokes.
_WORDS = (
    "CONG HOA XA HOI CHU NGHIA VIET NAM", "CAN CUOC CONG DAN", "So / No", "Ho va ten / Full name",
    "Ngay sinh / Date of birth", "Gioi tinh / Sex", "Quoc tich / Nationality", "Que quan",
    "Noi thuong tru", "Co gia tri den", "Dac diem nhan dang", "NGUYEN VAN AN", "01/01/1990",
)


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def make_card_image(width: int = 1600, height: int = 1000, seed: int = 0) -> Image.Image:
    """An RGB picture that looks enough like a photographed ID card: tinted background, guilloche
    lines, a few large blocks whose places depend on `seed` (so two seeds are two different sides
    for the duplicate check), and many lines of text (the sharp detail the blur check looks for)."""
    rng = random.Random(seed)
    # Background: a two-colour gradient in a random direction, like uneven light on a card.
    tint_a = np.array([rng.randint(150, 235) for _ in range(3)], dtype=np.float32)
    tint_b = np.array([rng.randint(150, 235) for _ in range(3)], dtype=np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = (xs / width) * math.cos(angle) + (ys / height) * math.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    pixels = tint_a + (tint_b - tint_a) * ramp[..., None]
    image = Image.fromarray(pixels.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    scale = min(width / 1600, height / 1000)

    # Guilloche: thin sine waves across the card.
    for k in range(6):
        amplitude, period, phase = rng.uniform(10, 40) * scale, rng.uniform(80, 300) * scale, rng.uniform(0, 6)
        y0 = height * (k + 1) / 7
        points = [(x, y0 + amplitude * math.sin(x / period + phase)) for x in range(0, width, 4)]
        draw.line(points, fill=tuple(int(c * 0.8) for c in tint_a), width=max(1, int(2 * scale)))

    # Large blocks: a photo box, a dark band, a chip or a QR-like square, placed by the seed.
    for _ in range(3):
        bw, bh = int(rng.uniform(0.15, 0.35) * width), int(rng.uniform(0.2, 0.45) * height)
        x0, y0 = rng.randint(0, width - bw), rng.randint(0, height - bh)
        shade = tuple(rng.randint(20, 120) for _ in range(3))
        draw.rectangle((x0, y0, x0 + bw, y0 + bh), fill=shade, outline=(0, 0, 0), width=max(1, int(3 * scale)))
        # A checkerboard inside some blocks, like a QR code or a chip's contacts.
        if rng.random() < 0.5:
            cell = max(4, int(18 * scale))
            for cy in range(y0 + cell, y0 + bh - cell, cell):
                for cx in range(x0 + cell, x0 + bw - cell, cell):
                    if rng.random() < 0.5:
                        draw.rectangle((cx, cy, cx + cell - 1, cy + cell - 1), fill=(250, 250, 250))

    # Text lines everywhere: the strokes that make a real card photo "sharp".
    font = _font(max(12, int(30 * scale)))
    line_height = max(16, int(44 * scale))
    for y in range(int(20 * scale), height - line_height, line_height):
        x = rng.randint(int(10 * scale), max(int(10 * scale) + 1, width // 4))
        draw.text((x, y), rng.choice(_WORDS), font=font, fill=(rng.randint(0, 60),) * 3)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(40, 40, 40), width=max(2, int(6 * scale)))
    return image


@functools.cache
def make_card_jpeg(width: int = 1600, height: int = 1000, seed: int = 0) -> bytes:
    """A JPEG ID-card-like picture that passes every intake check (as a front, back, or document)."""
    return encode(make_card_image(width, height, seed), "JPEG", quality=90)


@functools.cache
def _astronaut() -> Image.Image:
    # scikit-image bundles this photo (Eileen Collins, public domain, NASA): one real frontal face.
    from skimage import data

    return Image.fromarray(data.astronaut(), "RGB")


def make_portrait_image() -> Image.Image:
    """One real face, 900 × 1200 (a phone's 3:4 portrait): the astronaut's head and shoulders,
    enlarged from the 512-px original. Her face spans ~30 % of the width, like a selfie at arm's
    length, above the 20 % the intake asks for."""
    return _astronaut().crop((60, 0, 390, 440)).resize((900, 1200), Image.Resampling.LANCZOS)


@functools.cache
def make_portrait_jpeg() -> bytes:
    """A JPEG portrait with exactly one face that passes every intake check."""
    return encode(make_portrait_image(), "JPEG", quality=90)


def make_two_faces_image() -> Image.Image:
    """Two people side by side, each face as large as in a good portrait: "several faces"."""
    head = _astronaut().crop((110, 10, 350, 330)).resize((600, 800), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (1200, 800))
    canvas.paste(head, (0, 0))
    canvas.paste(head.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (600, 0))
    return canvas


def blurred(image: Image.Image, radius: float = 8) -> Image.Image:
    """What a shaking hand or a lens that did not focus gives."""
    return image.filter(ImageFilter.GaussianBlur(radius))


def darkened(image: Image.Image, factor: float = 0.12) -> Image.Image:
    """A picture taken with almost no light (a covered lens, a dark room)."""
    return image.point(lambda value: int(value * factor))


def encode(image: Image.Image, format: str, **params) -> bytes:
    """Encode with Pillow ("JPEG", "PNG", "WEBP", "HEIF" — the last through pillow-heif)."""
    if format.upper() in {"HEIF", "HEIC"}:
        import pillow_heif

        pillow_heif.register_heif_opener()
        format = "HEIF"
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()


def jpeg_with_exif(image: Image.Image, *, orientation: int | None = None, gps: bool = False, **params) -> bytes:
    """A JPEG carrying EXIF as a phone writes it: an orientation tag, a camera model, maybe GPS."""
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0x0110] = "Phone model"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:
        # GPSInfo IFD: latitude 21°1'41" N, longitude 105°50'3" E (Hà Nội).
        exif[0x8825] = {1: "N", 2: (21.0, 1.0, 41.0), 3: "E", 4: (105.0, 50.0, 3.0)}
    return encode(image, "JPEG", exif=exif.tobytes(), quality=params.pop("quality", 90), **params)


# --- broken and hostile inputs ------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_BYTES = b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>\n"


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first part of a file, as a dropped mobile connection leaves it."""
    return data[: int(len(data) * keep)]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def png_declaring_size(width: int, height: int) -> bytes:
    """A valid PNG header claiming `width` × `height` RGB pixels, followed by a few bytes of data:
    a small file that would need gigabytes if a decoder trusted it (a decompression bomb)."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    rows = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def png_with_chunk(image: Image.Image, kind: bytes, body: bytes) -> bytes:
    """A PNG with one extra ancillary chunk (e.g. a multi-megabyte eXIf or tEXt) before IDAT."""
    data = encode(image, "PNG")
    ihdr_end = 8 + 12 + 13
    return data[:ihdr_end] + _png_chunk(kind, body) + data[ihdr_end:]


def _jpeg_segments(data: bytes):
    """(offset, marker) of every segment up to the start of the scan."""
    offset = 2
    while offset + 4 <= len(data) and data[offset] == 0xFF:
        marker = data[offset + 1]
        yield offset, marker
        if marker == 0xDA:
            return
        offset += 2 + int.from_bytes(data[offset + 2 : offset + 4], "big")


def jpeg_declaring_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its frame header (SOF) claiming another size (at most 65535 a side)."""
    for offset, marker in _jpeg_segments(data):
        if marker in (0xC0, 0xC1, 0xC2):
            patched = bytearray(data)
            patched[offset + 5 : offset + 7] = height.to_bytes(2, "big")
            patched[offset + 7 : offset + 9] = width.to_bytes(2, "big")
            return bytes(patched)
    raise ValueError("no frame header found")


def jpeg_with_app_segments(data: bytes, segments: list[tuple[int, bytes]]) -> bytes:
    """The same JPEG with extra APPn segments (marker 0xE0–0xEF, body ≤ 65533 bytes) after SOI,
    e.g. a huge or malformed EXIF block."""
    extra = b"".join(
        bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body for marker, body in segments
    )
    return data[:2] + extra + data[2:]


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's header segments (0xE0 APP0 … 0xFE COM), to prove what was written."""
    return [marker for _, marker in _jpeg_segments(data)]
