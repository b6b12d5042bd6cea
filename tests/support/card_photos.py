"""Phone-like photos of cards that carry a real QR code, for the scanner's tests and benchmark.

A card is the synthetic ID-card picture of ``tests.support.images`` with a real QR code (made by
segno from a CCCD or BHYT text of ``vssid.cards.synthetic``) in its quiet-zone box. A photo puts one
or more cards on a table and spoils it the way a phone does:

    rotation (any angle) → perspective (the phone not parallel to the card) → uneven light →
    glare (a bright spot partly over the code) → blur (missed focus, a shaking hand) →
    sensor noise → JPEG compression

``PhoneLook`` holds the amounts; ``random_look(rng)`` draws the benchmark's mix. Every amount that is
a length (blur, noise grain) is given for a 1600-px-wide photo and scaled with the photo's size, so a
12 MP photo of the same scene is the same scene, only with more pixels.
"""
from __future__ import annotations

import dataclasses
import io
import math
import random
from collections.abc import Sequence
from datetime import date

import cv2
import numpy as np
import segno
from PIL import Image

from vssid.cards.synthetic import SyntheticPerson, random_person

from . import images

# ID-1 cards (CCCD, the plastic BHYT card) are 85.6 × 54 mm.
CARD_ASPECT = 85.6 / 54.0
REFERENCE_WIDTH = 1600  # the width the look's lengths are given for
PHOTO_1600 = (1600, 1200)
PHOTO_12MP = (4000, 3000)
# The CCCD's code is about 18 mm of the 85.6 mm card, the BHYT card's about 22 mm; the box drawn
# round it (the code's own 4-module quiet zone) is part of that.
QR_FRACTION = {"cccd": 0.23, "bhyt": 0.28}
TODAY = date(2025, 9, 1)


@dataclasses.dataclass(frozen=True)
class PhoneLook:
    """How one photo is taken. Lengths are pixels of a 1600-px-wide photo."""

    rotation: float = 0.0  # degrees, the card's turn in the frame
    tilt: float = 0.0  # perspective: each corner moves up to this fraction of the card's width
    card_width: float = 0.6  # the card's width as a fraction of the photo's width
    light: float = 0.0  # 0–1: how uneven the light across the frame is (a shadow on one side)
    glare: float = 0.0  # 0–1: how bright the glare spot is (≥ 0.75 saturates its centre)
    # Where the spot's centre is, as (x, y) fractions of the code's box on the card: the default
    # sits between the code's centre and its corner without a finder pattern (see random_look).
    glare_at: tuple[float, float] = (0.7, 0.7)
    blur: float = 0.0  # Gaussian sigma
    noise: float = 3.0  # sensor noise sigma (grey levels)
    jpeg_quality: int = 90


def random_look(rng: random.Random) -> PhoneLook:
    """The benchmark's mix: any rotation, up to a strong tilt, the card 50–85 % of the frame's
    width, glare on half the photos, blur, noise and compression like a mid-range phone.

    Where the ranges end: blur σ 1.4 px (at 1600 px) already smears the ~3 px modules of a dense
    BHYT code on a half-frame card into grey; glare up to +255 grey levels, over the code but not
    over a finder pattern (below)."""
    return PhoneLook(
        rotation=rng.uniform(0, 360),
        tilt=rng.uniform(0.0, 0.16),
        card_width=rng.uniform(0.5, 0.85),
        light=rng.uniform(0.0, 0.5),
        glare=rng.uniform(0.4, 0.85) if rng.random() < 0.5 else 0.0,
        # Anywhere from the code's middle to past its finder-less corner, so part of the code is
        # washed out but its three finder patterns are not: a glare that burns a finder pattern
        # away leaves nothing any decoder can find, and the person sees it and retakes the photo.
        glare_at=(rng.uniform(0.35, 1.1), rng.uniform(0.35, 1.1)),
        blur=rng.uniform(0.0, 1.4),
        noise=rng.uniform(2.0, 9.0),
        jpeg_quality=rng.randint(70, 92),
    )


def person(seed: int) -> SyntheticPerson:
    return random_person(random.Random(seed), today=TODAY)


def qr_text(who: SyntheticPerson, kind: str, seed: int = 0) -> str:
    """The text of ``who``'s CCCD ("cccd") or BHYT card ("bhyt"; "bhyt-new" for a 17-part one)."""
    if kind == "cccd":
        return who.cccd_qr_text()
    return who.bhyt_qr_text(random.Random(seed), new_card=kind == "bhyt-new")


def qr_modules(text: str) -> np.ndarray:
    """The code as a boolean matrix (True = dark), its 4-module quiet zone included. Error
    correction M, as most printed codes use; segno raises it when the version has room."""
    code = segno.make_qr(text, error="m")
    return np.array([[bool(v) for v in row] for row in code.matrix_iter(scale=1, border=4)], dtype=bool)


def make_card_with_qr(text: str, width: int, *, seed: int = 0, kind: str = "cccd") -> Image.Image:
    """A card picture ``width`` px wide with the code for ``text`` on its right side."""
    height = round(width / CARD_ASPECT)
    # The card's print is drawn at ≤ 1600 px and enlarged (drawing it at 3000 px took 1.4 s); only
    # the code has to be crisp at full size.
    drawn_width = min(width, 1600)
    card = images.make_card_image(drawn_width, round(drawn_width / CARD_ASPECT), seed=seed)
    if drawn_width != width:
        card = card.resize((width, height), Image.Resampling.BILINEAR)
    (x0, y0), (x1, _) = _code_box(width, height, kind)[[0, 2]].astype(int)
    side = x1 - x0
    # Nearest-neighbour keeps the modules square-edged, like print; the photo's warp smooths them.
    modules = np.where(qr_modules(text), 20, 245).astype(np.uint8)
    code = cv2.resize(modules, (side, side), interpolation=cv2.INTER_NEAREST)
    card.paste(Image.fromarray(code, "L").convert("RGB"), (int(x0), int(y0)))
    return card


@dataclasses.dataclass(frozen=True)
class CardInPhoto:
    """A card to photograph: its picture and where it lies (centre as fractions of the frame)."""

    card: Image.Image
    centre: tuple[float, float] = (0.5, 0.5)
    kind: str = "cccd"


def phone_photo(
    cards: Sequence[CardInPhoto], look: PhoneLook, *, size: tuple[int, int] = PHOTO_1600, seed: int = 0
) -> Image.Image:
    """An RGB photo of ``cards`` lying on a table, taken as ``look`` says."""
    width, height = size
    scale = width / REFERENCE_WIDTH
    rng = np.random.default_rng(seed)
    photo = _table(width, height, rng)
    code_boxes = []
    for placed in cards:
        card = np.asarray(placed.card, dtype=np.uint8)
        code_box = _code_box(card.shape[1], card.shape[0], placed.kind)
        homography = _placement(card.shape[1], card.shape[0], code_box, placed.centre, look, size, rng)
        warped = cv2.warpPerspective(card, homography, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        mask = cv2.warpPerspective(np.full(card.shape[:2], 255, np.uint8), homography, size, flags=cv2.INTER_LINEAR)
        np.copyto(photo, warped, where=mask[..., None] > 127)
        code_boxes.append((code_box, homography))

    pixels = photo.astype(np.float32)
    if look.light:
        pixels = cv2.multiply(pixels, cv2.merge([_uneven_light(width, height, look.light, rng)] * 3))
    if look.glare:
        box, homography = code_boxes[0]
        (u, v), (x0, y0), (x1, y1) = look.glare_at, box[0], box[2]
        spot = _transformed(np.array([[x0 + u * (x1 - x0), y0 + v * (y1 - y0)]]), homography)[0]
        quad = _transformed(box, homography)
        code_width = float(np.linalg.norm(quad[1] - quad[0]))
        glare = _glare(width, height, (float(spot[0]), float(spot[1])), 0.35 * code_width, look.glare)
        pixels = cv2.add(pixels, cv2.merge([glare] * 3))
    if look.blur:
        pixels = cv2.GaussianBlur(pixels, (0, 0), look.blur * scale)
    if look.noise:
        # Sensor grain is per pixel, whatever the resolution; luminance only, since phones smooth
        # away the colour noise (and one channel of it is a third of the cost at 12 MP).
        grain = rng.standard_normal((height, width), dtype=np.float32) * np.float32(look.noise)
        pixels = cv2.add(pixels, cv2.merge([grain] * 3))
    # Saturating conversion, as a sensor clips.
    return Image.fromarray(cv2.convertScaleAbs(pixels), "RGB")


def photo_jpeg(photo: Image.Image, look: PhoneLook, **exif) -> bytes:
    """The photo as a phone saves it (EXIF orientation and the like through ``exif``)."""
    if exif:
        return images.jpeg_with_exif(photo, quality=look.jpeg_quality, **exif)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=look.jpeg_quality)
    return buffer.getvalue()


def card_photo_jpeg(
    text: str, look: PhoneLook, *, size: tuple[int, int] = PHOTO_1600, seed: int = 0, kind: str = "cccd"
) -> bytes:
    """One card with the code for ``text``, photographed as ``look`` says, as JPEG bytes."""
    card = make_card_with_qr(text, round(size[0] * look.card_width), seed=seed, kind=kind)
    return photo_jpeg(phone_photo([CardInPhoto(card, kind=kind)], look, size=size, seed=seed), look)


# --- the scene ----------------------------------------------------------------------------------


def _table(width: int, height: int, rng: np.random.Generator) -> np.ndarray:
    """A table top: a colour with soft blotches, drawn at 1/64 scale and enlarged (it is smooth,
    and drawing it at full size cost 1 s of a 12 MP photo's 3 s)."""
    small = rng.normal(0.0, 1.0, (height // 64 + 2, width // 64 + 2)).astype(np.float32)
    blotches = cv2.GaussianBlur(small, (0, 0), 1.5)
    colour = rng.uniform(60, 200, 3).astype(np.float32)
    table = np.clip(colour[None, None, :] + 18.0 * blotches[..., None], 0, 255).astype(np.uint8)
    return cv2.resize(table, (width, height), interpolation=cv2.INTER_CUBIC)


def _code_box(card_width: int, card_height: int, kind: str) -> np.ndarray:
    """The corners of the code (quiet zone included) on the card, as make_card_with_qr puts it."""
    side = round(card_width * QR_FRACTION["cccd" if kind == "cccd" else "bhyt"])
    x0, y0 = card_width - side - round(0.04 * card_width), round(0.12 * card_height)
    return np.array([[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side]], np.float32)


def _transformed(points: np.ndarray, homography: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points[None].astype(np.float32), homography)[0]


def _placement(
    card_width: int, card_height: int, code_box: np.ndarray, centre: tuple[float, float], look: PhoneLook,
    size: tuple[int, int], rng: np.random.Generator,
) -> np.ndarray:
    """The homography taking the card's corners to the photo: turned by ``look.rotation`` about
    ``centre``, each corner moved by up to ``look.tilt`` of the card's width, then shifted so the
    whole card is in the frame or, when it cannot be (a large card turned across a landscape
    frame), at least its code is, as a person aiming at the code frames it."""
    angle = math.radians(look.rotation)
    cos, sin = math.cos(angle), math.sin(angle)
    cx, cy = centre[0] * size[0], centre[1] * size[1]
    source = np.array([[0, 0], [card_width, 0], [card_width, card_height], [0, card_height]], np.float32)
    target = []
    for x, y in source:
        dx, dy = x - card_width / 2, y - card_height / 2
        jitter = rng.uniform(-1, 1, 2) * look.tilt * card_width
        target.append((cx + cos * dx - sin * dy + jitter[0], cy + sin * dx + cos * dy + jitter[1]))
    target = np.array(target, np.float32)
    homography = cv2.getPerspectiveTransform(source, target)
    margin = 0.02 * min(size)
    for keep in (target, _transformed(code_box, homography)):
        low, high = keep.min(axis=0), keep.max(axis=0)
        frame = np.array(size, np.float32)
        if np.all(high - low <= frame - 2 * margin):
            shift = np.maximum(0, margin - low) - np.maximum(0, high - (frame - margin))
            return cv2.getPerspectiveTransform(source, target + shift)
    return homography


def _uneven_light(width: int, height: int, amount: float, rng: np.random.Generator) -> np.ndarray:
    """A light factor from 1 down to 1 − amount across the frame, in a random direction."""
    angle = rng.uniform(0, 2 * math.pi)
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :] * np.float32(math.cos(angle))
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None] * np.float32(math.sin(angle))
    ramp = cv2.add(np.broadcast_to(xs, (height, width)).copy(), np.broadcast_to(ys, (height, width)).copy())
    low, high = float(xs.min() + ys.min()), float(xs.max() + ys.max())
    return cv2.addWeighted(ramp, -amount / max(high - low, 1e-6), ramp, 0, 1.0 + amount * low / max(high - low, 1e-6))


def _glare(width: int, height: int, spot: tuple[float, float], radius: float, strength: float) -> np.ndarray:
    """A bright Gaussian spot: + strength × 300 grey levels at its centre (so ≥ 0.75 burns the
    print there to white, as a lamp's reflection on a laminated card does)."""
    xs = np.exp(-(((np.arange(width, dtype=np.float32) - spot[0]) / radius) ** 2))
    ys = np.exp(-(((np.arange(height, dtype=np.float32) - spot[1]) / radius) ** 2))
    return np.outer(ys * np.float32(strength * 300.0), xs).astype(np.float32)
