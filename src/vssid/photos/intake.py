"""Turn an uploaded picture into a clean, checked JPEG — or refuse it with a reason.

Pure image work: no database, no storage. Every way an upload can be wrong (empty, too big, not a
picture, a decompression bomb, truncated, too small, too dark, blurry, no face) ends in
PhotoRejected; a decoder's own exception never escapes. The steps run cheapest first, so hostile
input is refused before any pixel is decoded:

    read ≤ 10 MB → sniff magic bytes → header dimensions → decode (JPEG: DCT-scaled `draft`)
    → RGB, sRGB → ≤ 1600 px → EXIF orientation → quality checks → JPEG without metadata

The checks run on a small grayscale copy (long side ≤ 800 px) so their thresholds do not depend on
the camera's resolution.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import logging
import queue
import threading
from collections import deque
from collections.abc import Iterator
from typing import BinaryIO

import cv2
import numpy as np
import pillow_heif
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image, ImageCms

from .errors import PhotoRejected, RejectionCode
from .kinds import PhotoKind

logger = logging.getLogger(__name__)

# --- limits -------------------------------------------------------------------------------------
# 50 MP admits the 48–50 MP modes of current phones (8064×6048, 8160×6120) and nothing beyond; a
# full decode of that is ~150 MB of RGB, the most one request may cost. It is also Pillow's
# process-wide guard: Pillow warns above it and raises DecompressionBombError above twice it.
MAX_PIXELS = 50_000_000
# No phone shoots a side longer than ~8200 px outside panorama mode; a 50,000 × 10 picture is a
# crafted file, whatever its pixel count.
MAX_SIDE = 10_000
# Below 600 × 400 (either orientation) the card's small print and the face are not legible.
MIN_LONG_SIDE, MIN_SHORT_SIDE = 600, 400
OUTPUT_LONG_SIDE = 1600
# Quality 85: a 1600 × 1200 card is ~250–400 kB, text stays crisp; 95 doubles the size for nothing
# an officer can see.
JPEG_QUALITY = 85
ANALYSIS_LONG_SIDE = 800

# --- quality thresholds (luminance 0–255, measured on the ≤ 800 px grayscale copy) --------------
# Too dark: the mean AND the 95th percentile are both low. The percentile spares a well-lit face
# or card on a black table (its bright part lifts p95); a covered lens or a dark room keeps both
# low. Synthetic cards and the astronaut portraits: mean 115–175, p95 ≥ 180; the same darkened to
# 12 % of their light: mean 13–21, p95 ≤ 30 (refused); to 45 %: mean ≥ 51, p95 ≥ 81 (dim, still
# legible, accepted).
DARK_MEAN_BELOW = 40
DARK_P95_BELOW = 80
# Blurry: the variance of the Laplacian in the sharpest of 4 × 4 tiles. The sharpest tile, not the
# whole frame, because a portrait in a phone's portrait mode has a deliberately blurred background
# and a card may lie on a plain table; motion or missed focus blurs every tile. Measured on the
# synthetic cards (1600 × 1000, 4032 × 3024, 600 × 400) and the astronaut portraits: sharp
# 340–12800; Gaussian blur of radius r px at 1600 px: r = 2 → 87–1480, r = 4 → 17–84,
# r = 6 → 7–26, r = 8 → 4.5–11.5. At r ≥ 6 the card's print is no longer readable, so 30 refuses
# those and keeps anything merely soft (an officer sees the card itself at the office anyway).
BLUR_VARIANCE_BELOW = 30.0
BLUR_GRID = 4
# Faces: the Haar box (brows to mouth) must span at least 15 % of the short side. A usable ID
# portrait is head and shoulders, where the box is 25–50 % (a selfie at arm's length ~30 %); at
# 10 % the detector found "faces" in the print of 9 of 150 synthetic cards, at 15 % in none. Small
# faces far in the background are ignored rather than counted as "several". No histogram
# equalisation: the cascade already normalises each window's contrast, and equalising made it
# take the mission patch on the astronaut's suit for a second face (and 3 of 150 cards for one),
# while dim, side-lit and low-contrast portraits were found either way.
MIN_FACE_FRACTION = 0.15
# Each scale of the detector's pyramid is 1.2 × the one before. At 1.1 it found the same face twice
# at neighbouring scales in 16 of 144 variants of the astronaut portrait (sizes 480–1200 px wide,
# light 35–100 %, tilted ±8°), which refused good portraits as "several faces"; at 1.2 each of the
# 144 is one face, no synthetic card has one, the two-face picture still has two, and the detector
# takes 13 ms instead of 33 ms (the largest part of a portrait's intake).
FACE_SCALE_FACTOR = 1.2
FACE_MIN_NEIGHBOURS = 5

Image.MAX_IMAGE_PIXELS = MAX_PIXELS
pillow_heif.register_heif_opener()

# EXIF orientation → the transpose that makes the picture upright (as Pillow's exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION = 0x0112

# ISO-BMFF brands of HEVC-coded HEIF (iPhones write "heic", Samsung "heic"/"mif1"). AVIF ("avif",
# "avis") is the same container with another codec we do not promise, so it is not listed.
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"})
_HEIF_WITHOUT_HEVC = frozenset({b"avif", b"avis"})
_HEVC_BRANDS = _HEIF_BRANDS - {b"mif1", b"msf1"}


@dataclasses.dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """An accepted picture, ready to store: a JPEG with no metadata and its fingerprints."""

    jpeg: bytes
    width: int
    height: int
    sha256: str
    dhash: str  # 64-bit difference hash, 16 hex digits: coarse, for look-ups
    dhash256: str  # 256-bit difference hash, 64 hex digits: fine enough to tell two sides apart
    source_format: str  # "JPEG", "PNG", "WEBP" or "HEIF": what the content was, not what it was called

    def __repr__(self) -> str:  # never dump the picture into a log or a traceback
        return f"PreparedPhoto({self.width}×{self.height}, {len(self.jpeg)} bytes, {self.source_format})"


class PixelBudget:
    """How many decoded pixels the photos being worked on in this process may hold at once.

    A photo reserves its decoded size before decoding and waits, in arrival order, until it fits;
    one larger than the whole budget runs alone. The photos of one upload (a 12 MP JPEG decodes at
    2016 × 1512, 3 MP) are then worked on side by side, on both cores, where a single lock made them
    wait for each other; and the most a process holds in pixels stays what one photo of MAX_PIXELS
    held under that lock (uploads arriving together once piled up to 291 MB per worker,
    docs/benchmarks.md).
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._in_use = 0
        self._waiting: deque[object] = deque()
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def reserve(self, pixels: int) -> Iterator[None]:
        with self._changed:
            turn = object()
            self._waiting.append(turn)
            try:
                self._changed.wait_for(lambda: self._waiting[0] is turn and self._fits(pixels))
            finally:  # served, or interrupted while waiting: either way out of the line
                self._waiting.remove(turn)
            self._in_use += pixels
            self._changed.notify_all()  # the next in line may fit beside this one
        try:
            yield
        finally:
            with self._changed:
                self._in_use -= pixels
                self._changed.notify_all()

    def _fits(self, pixels: int) -> bool:
        return self._in_use == 0 or self._in_use + pixels <= self.capacity


# Shared by intake here and scanning in qr_scan.py.
decoding_budget = PixelBudget(MAX_PIXELS)


def prepare_photo(stream: BinaryIO | bytes, kind: PhotoKind | str) -> PreparedPhoto:
    """Check and re-encode one upload (a file object or bytes); raise PhotoRejected if unusable.

    The file's name and declared content type are ignored: only its bytes decide what it is.
    Safe to call from several threads at once (decoding_budget bounds their memory).
    """
    kind = PhotoKind(kind)
    data = _read_limited(stream, settings.VSSID_PHOTO_MAX_BYTES, kind)
    source_format = sniff_format(data)
    if source_format is None:
        raise PhotoRejected(RejectionCode.WRONG_TYPE, kind)

    with _decoding(kind):
        image = Image.open(io.BytesIO(data), formats=[source_format])
        width, height = image.size
    _check_dimensions(width, height, kind)

    orientation = _read_orientation(image)
    icc_profile = image.info.get("icc_profile")
    target = fit_within((width, height), OUTPUT_LONG_SIDE)
    with _decoding(kind):
        _plan_reduced_decode(image, target)
    with decoding_budget.reserve(image.width * image.height):  # the size it will decode at
        return _decode_check_encode(image, target, orientation, icc_profile, source_format, kind)


def _decode_check_encode(image: Image.Image, target: tuple[int, int], orientation: int,
                        icc_profile: bytes | None, source_format: str, kind: PhotoKind) -> PreparedPhoto:
    with _decoding(kind):
        image = _decode_to(image, target)
    image = _to_srgb(image, icc_profile)
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    # A derived image carries over `info`, and Pillow writes a JPEG comment back from it. Clear it
    # so no EXIF, GPS, XMP, ICC, comment or maker note can reach the output.
    image.info = {}

    gray = analysis_copy(image)
    _check_light(gray, kind)
    _check_sharpness(gray, kind)
    if kind == PhotoKind.PORTRAIT:
        _check_one_face(gray, kind)

    output = io.BytesIO()
    image.save(output, "JPEG", quality=JPEG_QUALITY)
    jpeg = output.getvalue()
    return PreparedPhoto(
        jpeg=jpeg,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(jpeg).hexdigest(),
        dhash=difference_hash(gray, 8),
        dhash256=difference_hash(gray, 16),
        source_format=source_format,
    )


def sniff_format(data: bytes) -> str | None:
    """The Pillow format name the magic bytes announce, or None for anything we do not accept
    (PDF, HTML, GIF, BMP, TIFF, AVIF, text, …)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        box_end = min(int.from_bytes(data[:4], "big"), len(data), 512)
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, box_end - 3, 4)}
        if brands & _HEVC_BRANDS or (brands & _HEIF_BRANDS and not brands & _HEIF_WITHOUT_HEVC):
            return "HEIF"
    return None


def difference_hash(gray: np.ndarray, size: int) -> str:
    """dHash: is each cell of a (size+1) × size thumbnail brighter than its left neighbour?
    size² bits as hex. Survives re-encoding and resizing; see services.is_same_picture."""
    # Lanczos, not area averaging: on cards photographed on a table it kept different cards ≥ 30
    # bits apart (of 256) where area averaging let two come within 21 — see services.
    thumbnail = Image.fromarray(gray).resize((size + 1, size), Image.Resampling.LANCZOS)
    cells = np.asarray(thumbnail, dtype=np.int16)
    bits = (cells[:, 1:] > cells[:, :-1]).flatten()
    return f"{int(''.join('1' if bit else '0' for bit in bits), 2):0{size * size // 4}x}"


# --- steps --------------------------------------------------------------------------------------


def _read_limited(stream: BinaryIO | bytes, limit: int, kind: PhotoKind) -> bytes:
    """Read at most `limit` bytes; a longer upload is refused without reading the rest."""
    too_large = PhotoRejected(RejectionCode.TOO_LARGE, kind, max_mb=f"{limit / 2**20:.3g}")
    if isinstance(stream, (bytes, bytearray, memoryview)):
        data = bytes(stream)
        if len(data) > limit:
            raise too_large
    else:
        if (getattr(stream, "size", None) or 0) > limit:  # Django's UploadedFile knows it already
            raise too_large
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.seek(0)  # a form may have read it before us
        chunks, total = [], 0
        while chunk := stream.read(min(1 << 20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise too_large
        data = b"".join(chunks)
    if not data:
        raise PhotoRejected(RejectionCode.EMPTY, kind)
    return data


@contextlib.contextmanager
def _decoding(kind: PhotoKind) -> Iterator[None]:
    """Map whatever a decoder raises on hostile input to a refusal.

    Pillow and libheif answer malformed files with a zoo of types (OSError "image file is
    truncated", SyntaxError, ValueError, struct.error, EOFError, RuntimeError…), so everything
    raised *inside a decoder call* becomes "unreadable"; only decoder calls run in this block.
    """
    try:
        yield
    except Image.DecompressionBombError:
        raise PhotoRejected(RejectionCode.TOO_MANY_PIXELS, kind) from None
    except Exception as error:  # noqa: BLE001 — see the docstring
        logger.info("photo refused as unreadable: %s", type(error).__name__)
        raise PhotoRejected(RejectionCode.UNREADABLE, kind) from error


def _check_dimensions(width: int, height: int, kind: PhotoKind) -> None:
    long_side, short_side = max(width, height), min(width, height)
    if width * height > MAX_PIXELS or long_side > MAX_SIDE:
        raise PhotoRejected(RejectionCode.TOO_MANY_PIXELS, kind)
    if long_side < MIN_LONG_SIDE or short_side < MIN_SHORT_SIDE:
        raise PhotoRejected(RejectionCode.TOO_SMALL, kind, min_long=MIN_LONG_SIDE, min_short=MIN_SHORT_SIDE)


def _read_orientation(image: Image.Image) -> int:
    """The EXIF orientation, 1 when absent. pillow-heif has already applied HEIF's own rotation
    and reports 1, so HEIC is never turned twice."""
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 — a corrupt EXIF block is common in edited photos
        # The tag only decides which way is up; a picture is not refused for a broken one.
        return 1
    return value if isinstance(value, int) else 1


def fit_within(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """`size` scaled down (never up) so that its longer side is at most `long_side`."""
    width, height = size
    ratio = min(1.0, long_side / max(width, height))
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _plan_reduced_decode(image: Image.Image, target: tuple[int, int]) -> None:
    """Ask libjpeg to scale by 1/2, 1/4 or 1/8 while decoding, to the smallest size still at least
    `target`: a 12 MP photo then decodes at 2016 × 1512, in 4× less memory. `image.size` becomes
    the size it will decode at. Other formats have no reduced decode."""
    if image.format in {"JPEG", "MPO"} and target != image.size:
        image.draft("RGB", target)


def _decode_to(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    image.load()
    image = _to_rgb(image)
    if image.size != target:
        image = _shrink(image, target)
    return image


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Downscale without aliasing. Less than 2× (what is left after libjpeg's reduced decode),
    bilinear interpolation already averages every source pixel into the result: 2016 × 1512 →
    1600 × 1200 took 4 ms of CPU against 34–40 ms by area averaging, and the two results differ by
    45 dB PSNR, nothing an eye or the checks can tell. From 2× on (a full HEIC or PNG decode),
    bilinear would skip pixels, so area averaging (OpenCV's INTER_AREA: 74 ms against 145 ms for
    Pillow's Lanczos from a 12 MP HEIC)."""
    mode = image.mode
    reduction = max(image.width / size[0], image.height / size[1])
    interpolation = cv2.INTER_LINEAR if reduction < 2 else cv2.INTER_AREA
    pixels = cv2.resize(np.asarray(image), size, interpolation=interpolation)
    return Image.fromarray(pixels, mode)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}:
        # 16-bit grayscale PNG: Pillow's convert() clips at 255, so scale it down ourselves.
        values = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if values.max() > 255 else 255.0
        return Image.fromarray(np.clip(values * 255.0 / peak, 0, 255).astype(np.uint8), "L").convert("RGB")
    if image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info:
        # Transparent pixels would turn black; a scan or an edited picture expects white paper.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """iPhones shoot in Display P3. Dropping the ICC profile without converting would leave the
    colours dull on every screen, so convert to sRGB first; a broken profile is simply ignored."""
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if source.profile.xcolor_space.strip() != "RGB":
            return image
        return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB") or image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def analysis_copy(image: Image.Image) -> np.ndarray:
    """The grayscale copy every check looks at: long side ≤ ANALYSIS_LONG_SIDE, never enlarged."""
    gray = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2GRAY)  # `image` is RGB by now
    height, width = gray.shape
    ratio = ANALYSIS_LONG_SIDE / max(width, height)
    if ratio < 1:
        gray = cv2.resize(gray, (round(width * ratio), round(height * ratio)), interpolation=cv2.INTER_AREA)
    return gray


def _check_light(gray: np.ndarray, kind: PhotoKind) -> None:
    if gray.mean() < DARK_MEAN_BELOW and np.percentile(gray, 95) < DARK_P95_BELOW:
        raise PhotoRejected(RejectionCode.TOO_DARK, kind)


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian in the sharpest tile of a BLUR_GRID × BLUR_GRID grid."""
    laplacian = cv2.Laplacian(gray, cv2.CV_64F)
    rows = np.array_split(laplacian, BLUR_GRID, axis=0)
    return max(float(tile.var()) for row in rows for tile in np.array_split(row, BLUR_GRID, axis=1))


def _check_sharpness(gray: np.ndarray, kind: PhotoKind) -> None:
    if sharpness(gray) < BLUR_VARIANCE_BELOW:
        raise PhotoRejected(RejectionCode.BLURRY, kind)


# Face cascades not in use. A CascadeClassifier keeps scratch buffers, so two threads may not
# share one; each costs ~4 MB, so a process keeps as many as it has used at once (one per portrait
# being checked), not one per thread that ever checked a portrait.
_idle_cascades: queue.SimpleQueue[cv2.CascadeClassifier] = queue.SimpleQueue()


@contextlib.contextmanager
def _face_cascade() -> Iterator[cv2.CascadeClassifier]:
    """A Haar cascade of those shipped in OpenCV 4.x wheels, for this thread until the block ends."""
    try:
        cascade = _idle_cascades.get_nowait()
    except queue.Empty:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        cascade = cv2.CascadeClassifier(path)
        if cascade.empty():
            raise ImproperlyConfigured(f"OpenCV face cascade missing at {path} (OpenCV 5 wheels do not ship it)") from None
    try:
        yield cascade
    finally:
        _idle_cascades.put(cascade)


def count_faces(gray: np.ndarray) -> int:
    """Frontal faces whose box spans at least MIN_FACE_FRACTION of the short side."""
    smallest = max(24, int(min(gray.shape) * MIN_FACE_FRACTION))
    with _face_cascade() as cascade:
        boxes = cascade.detectMultiScale(
            gray, scaleFactor=FACE_SCALE_FACTOR, minNeighbors=FACE_MIN_NEIGHBOURS, minSize=(smallest, smallest)
        )
    # The detector sometimes reports one face twice at neighbouring scales: count boxes whose
    # centre lies inside an already counted box once.
    counted: list[tuple[int, int, int, int]] = []
    for x, y, w, h in sorted((tuple(map(int, box)) for box in boxes), key=lambda b: -b[2] * b[3]):
        cx, cy = x + w / 2, y + h / 2
        if not any(ox <= cx <= ox + ow and oy <= cy <= oy + oh for ox, oy, ow, oh in counted):
            counted.append((x, y, w, h))
    return len(counted)


def _check_one_face(gray: np.ndarray, kind: PhotoKind) -> None:
    faces = count_faces(gray)
    if faces == 0:
        raise PhotoRejected(RejectionCode.NO_FACE, kind)
    if faces > 1:
        raise PhotoRejected(RejectionCode.SEVERAL_FACES, kind)
