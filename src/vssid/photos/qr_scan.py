"""Find the QR codes in a photo of a card and read them as CCCD or BHYT texts.

    result = scan_photo(upload)          # bytes or a file object; never raises for a bad file
    result.codes                         # [ScannedCode(text, card, error_code, error)]
    result.error_code, result.error      # why the file gave no code, or None
    result.to_json_dict(file="a.jpg")    # {"file", "codes": [{"text", "card", "error"}], "error"}
    find_qr_texts(pil_image)             # the texts only, for a picture already in memory

A file is refused, as an upload is (``intake.py``, same codes), before any pixel is decoded when it
is empty, over ``VSSID_PHOTO_MAX_BYTES``, not a JPEG/PNG/WebP/HEIC, or over 50 MP; any decoder
failure is "unreadable". Unlike an upload, a small picture is fine: a screenshot of a code is good
input. A picture without a readable code says what to do: fill the frame, avoid glare, hold still.

Real phone photos are 12 MP, turned any way, tilted, a little blurred, glared and noisy. zxing-cpp
reads codes at any rotation and mirrored, so the picture is never turned upright (its EXIF
orientation cannot change the result) and all the work is on grayscale. The passes run cheapest
first and stop at the first that reads a code:

1. ``whole``: the photo at a long side of 2000 px. A JPEG is decoded by libjpeg straight to
   grayscale at 1/2 or 1/4 scale (``draft``): ~30 ms for 12 MP against ~75 ms for a full RGB
   decode, and a dense BHYT code (77 modules) on a card half the frame wide keeps ~4 px a module.
   zxing-cpp reads QR codes only, without the inverted search.
2. ``located``: where zxing found a code's finder patterns but could not correct its errors
   (glare, blur), a crop at full resolution, read as is, with a global threshold, sharpened
   (enlarged first when its modules are small), with equalised contrast (CLAHE), and binarised
   against its local mean. A place beside a code already read is tried too: a second card.
3. ``likely-region``: when zxing located nothing, the three most code-like blobs of edges (a
   cheap locator, 3–11 ms) get the same crops: small codes in a large frame, heavy blur.
4. ``tiles``: a last resort, 2 × 2 overlapping tiles at full resolution, with both thresholds.

Measured (``bench/scan.py``; figures in docs/benchmarks.md): pass 1 reads 91–95 % of the
benchmark's kind of photos, in ~15 ms at 1600 px and ~40 ms at 12 MP; passes 2–4 bring the total
to 98.4 % of the 320 photos (4 seeds) the passes were tuned on, and 80 of 80 on the benchmark's own
seed. What stays unread: 1600-px photos of dense BHYT codes (~3 px modules) blurred by σ ≥ 1.2 px
or glared near the code's centre. A photo without a code costs ~20 ms at 1600 px, ~80 ms at 12 MP.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import math
from collections.abc import Callable, Iterator, Mapping
from typing import BinaryIO

import cv2
import numpy as np
import zxingcpp
from django.conf import settings
from django.utils.translation import gettext_noop
from PIL import Image

from vssid.cards.errors import InvalidValue
from vssid.cards.qr import parse_card_qr

# Importing intake also registers the HEIF opener and sets Pillow's decompression-bomb guard.
from .errors import RejectionCode
from .intake import MAX_PIXELS, MAX_SIDE, decoding_budget, fit_within, sniff_format

logger = logging.getLogger(__name__)

NO_QR_CODE = "no_qr_code"
CANNOT_OPEN = "cannot_open"

# The file-level codes are the upload refusals' (same causes, same codes for the API), with
# sentences about "the picture" rather than a named side of the ID card.
MESSAGES: Mapping[str, str] = {
    RejectionCode.EMPTY: gettext_noop("Tệp ảnh trống – hãy chọn lại ảnh hoặc chụp ảnh mới."),
    RejectionCode.TOO_LARGE: gettext_noop(
        "Ảnh phải nhỏ hơn %(max_mb)s MB – hãy chụp lại bằng máy ảnh của điện thoại."
    ),
    RejectionCode.WRONG_TYPE: gettext_noop(
        "Tệp không phải là ảnh JPG, PNG, HEIC hoặc WebP – hãy chọn đúng tệp ảnh hoặc chụp lại."
    ),
    RejectionCode.TOO_MANY_PIXELS: gettext_noop(
        "Ảnh có kích thước quá lớn – hãy chụp lại ở chế độ chụp ảnh thường của điện thoại."
    ),
    RejectionCode.UNREADABLE: gettext_noop(
        "Ảnh bị hỏng hoặc chưa tải lên hết – hãy chọn lại ảnh hoặc chụp ảnh mới."
    ),
    CANNOT_OPEN: gettext_noop("Không mở được tệp – hãy kiểm tra tên tệp và quyền đọc tệp."),
    NO_QR_CODE: gettext_noop(
        "Không đọc được mã QR. Hãy chụp lại: để mã QR chiếm phần lớn khung hình, tránh lóa đèn, "
        "giữ máy thật chắc."
    ),
}

# --- decoding strategy (measured on bench/scan.py's photos; see the module docstring) -----------
WORK_LONG_SIDE = 2000
# Crops are read with modules of at most ~8 px and sides of at most 1600 px (more pixels only cost
# time); below 4 px a module is enlarged 2× (the blurred 1600-px photos of dense codes have
# 2.5–3.5 px modules, and 6 px modules in a shrunk crop lost 2 of 320 photos that 8 px kept).
CROP_MAX_SIDE = 1600
CROP_MODULE_PIXELS = 8.0
ENLARGE_BELOW_MODULE_PIXELS = 4.0
# 25 % of the located code's size on each side keeps its quiet zone and all of it even when zxing
# placed its corners a few modules off.
CROP_MARGIN = 0.25
# A located code's module size is estimated as if it were the densest code expected, a new BHYT
# card's (77 modules and 8 of quiet zone): the smallest its modules can be.
MODULES_ACROSS = 85
# Local-mean binarisation over ~6 modules follows glare and shadow but not the code's own pattern.
ADAPTIVE_WINDOW_MODULES = 6
ADAPTIVE_OFFSET = 2
# The smallest QR code is 21 modules; nothing narrower can hold one.
MIN_QR_PIXELS = 21
# The region locator works at 500 px (3–11 ms); a code narrower than 4 % of that (80 px of a
# 2000-px working copy, ~1 px per module for a dense code) cannot be read anyway.
LOCATOR_LONG_SIDE = 500
LOCATOR_MIN_FRACTION = 0.04
LOCATOR_CANDIDATES = 3
# Tiles: 2 × 2 of the full-resolution picture, overlapping by a third so a code cut by one tile's
# edge is whole in its neighbour.
TILE_GRID = 2
TILE_OVERLAP = 1 / 3


@dataclasses.dataclass(frozen=True, slots=True)
class ScannedCode:
    """One code found in the photo: its text and, if the text is a card's, the parsed card."""

    text: str
    card: dict | None
    error_code: str | None = None  # why the text is not a card's (the card rules' code)
    error: str | None = None  # the same in Vietnamese, for the citizen

    def to_json_dict(self) -> dict:
        return {"text": self.text, "card": self.card, "error": self.error}

    def __repr__(self) -> str:  # the text is someone's personal data: keep it out of logs
        return f"ScannedCode(card={self.card is not None}, error_code={self.error_code!r})"


@dataclasses.dataclass(frozen=True, slots=True)
class ScanResult:
    """The codes found in one file, or why the file gave none."""

    codes: list[ScannedCode]
    error_code: str | None = None
    error: str | None = None
    error_params: dict[str, object] = dataclasses.field(default_factory=dict)
    # Which pass read the codes ("whole", "located", "likely-region", "tiles"): for
    # the benchmark and for metrics, never shown to the citizen.
    found_by: str | None = None

    @classmethod
    def failed(cls, code: str, **params: object) -> ScanResult:
        """A file that gave no code: ``code`` is a RejectionCode value, ``cannot_open`` or ``no_qr_code``."""
        return cls(codes=[], error_code=str(code), error=render_message(code, params), error_params=params)

    def to_json_dict(self, file: str | None = None) -> dict:
        return {"file": file, "codes": [code.to_json_dict() for code in self.codes], "error": self.error}


def render_message(
    code: str, params: Mapping[str, object] | None = None, translate: Callable[[str], str] = str
) -> str:
    """The sentence for a file-level ``code``: the Vietnamese source, or with ``translate``
    (Django's ``gettext``) in the language of the web page: ``render_message(result.error_code,
    result.error_params, gettext)``."""
    text = translate(MESSAGES[code])
    return text % dict(params) if params else text


def scan_photo(stream: BinaryIO | bytes, *, max_bytes: int | None = None) -> ScanResult:
    """Every QR code in a photo (a file object or bytes), each parsed as a card when it is one.

    Never raises for a bad file: the result says why it gave nothing.
    """
    limit = settings.VSSID_PHOTO_MAX_BYTES if max_bytes is None else max_bytes
    data = _read_limited(stream, limit)
    if data is None:
        return ScanResult.failed(RejectionCode.TOO_LARGE, max_mb=f"{limit / 2**20:.3g}")
    if not data:
        return ScanResult.failed(RejectionCode.EMPTY)
    source_format = sniff_format(data)
    if source_format is None:
        return ScanResult.failed(RejectionCode.WRONG_TYPE)
    try:
        with _decoding():
            picture = _EncodedPicture(data, source_format)
            if picture.too_large:
                return ScanResult.failed(RejectionCode.TOO_MANY_PIXELS)
            width, height = picture.full_size
            # The last fallback reads the picture at full resolution: reserve that much.
            with decoding_budget.reserve(width * height):
                texts, found_by = _search(picture)
    except _Unreadable as refusal:
        return ScanResult.failed(refusal.code)
    if not texts:
        return ScanResult.failed(NO_QR_CODE)
    return ScanResult(codes=[scanned_code(text) for text in texts], found_by=found_by)


def scanned_code(text: str) -> ScannedCode:
    """A code's text with its parse: the card, or why it is not one."""
    try:
        return ScannedCode(text=text, card=parse_card_qr(text).to_json_dict())
    except InvalidValue as error:
        return ScannedCode(text=text, card=None, error_code=error.code, error=error.render())


def find_qr_texts(image: Image.Image) -> list[str]:
    """The texts of every QR code in a picture, in the order found, without repeats."""
    texts, _ = _search(_LoadedPicture(image))
    return texts


# --- reading the file ---------------------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, code: RejectionCode) -> None:
        super().__init__(code.value)
        self.code = code


@contextlib.contextmanager
def _decoding() -> Iterator[None]:
    """Whatever a decoder raises on a hostile or broken file means "unreadable" (the zoo of
    exception types is described in intake._decoding); only decoder work runs in this block."""
    try:
        yield
    except _Unreadable:
        raise
    except Image.DecompressionBombError:
        raise _Unreadable(RejectionCode.TOO_MANY_PIXELS) from None
    except Exception as error:  # noqa: BLE001 — see the docstring
        logger.info("QR scan: picture unreadable: %s", type(error).__name__)
        raise _Unreadable(RejectionCode.UNREADABLE) from error


def _read_limited(stream: BinaryIO | bytes, limit: int) -> bytes | None:
    """At most ``limit`` bytes; None when there are more (the rest is never read)."""
    if isinstance(stream, (bytes, bytearray, memoryview)):
        data = bytes(stream)
        return data if len(data) <= limit else None
    if (getattr(stream, "size", None) or 0) > limit:  # Django's UploadedFile knows it already
        return None
    with contextlib.suppress(AttributeError, OSError, ValueError):
        stream.seek(0)
    chunks, total = [], 0
    while chunk := stream.read(min(1 << 20, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
    return b"".join(chunks)


class _Picture:
    """A grayscale picture at two resolutions: the working copy (long side ≤ WORK_LONG_SIDE), read
    first, and the full resolution, decoded only when a fallback needs it."""

    def working(self) -> np.ndarray:
        raise NotImplementedError

    def full(self) -> np.ndarray:
        raise NotImplementedError

    @property
    def full_size(self) -> tuple[int, int]:
        raise NotImplementedError


class _EncodedPicture(_Picture):
    """A file's bytes. JPEG decodes straight to grayscale at a reduced scale; other formats have
    no reduced decode, so they are decoded once in full and kept in grayscale."""

    def __init__(self, data: bytes, source_format: str) -> None:
        self._data, self._format = data, source_format
        image = self._open()
        self._size = image.size
        self.too_large = image.width * image.height > MAX_PIXELS or max(image.size) > MAX_SIDE
        self._working: np.ndarray | None = None
        self._full: np.ndarray | None = None

    @property
    def full_size(self) -> tuple[int, int]:
        return self._size

    def _open(self) -> Image.Image:
        return Image.open(io.BytesIO(self._data), formats=[self._format])

    def working(self) -> np.ndarray:
        if self._working is None:
            target = fit_within(self._size, WORK_LONG_SIDE)
            if self._format == "JPEG" and target != self._size:
                image = self._open()
                # libjpeg picks the smallest 1/2, 1/4, 1/8 scale at least this large, and skips
                # the colour conversion in "L" mode: 30 ms for 12 MP against 50 ms via RGB.
                image.draft("L", target)
                self._working = _shrink(_gray(image), target)
            else:
                self._working = _shrink(self.full(), target)
        return self._working

    def full(self) -> np.ndarray:
        if self._full is None:
            image = self._open()
            if self._format == "JPEG":
                image.draft("L", self._size)  # grayscale straight from libjpeg, no RGB copy
            self._full = _gray(image)
        return self._full


class _LoadedPicture(_Picture):
    def __init__(self, image: Image.Image) -> None:
        self._full = _gray(image)
        self._working = _shrink(self._full, fit_within(image.size, WORK_LONG_SIDE))

    @property
    def full_size(self) -> tuple[int, int]:
        return self._full.shape[1], self._full.shape[0]

    def working(self) -> np.ndarray:
        return self._working

    def full(self) -> np.ndarray:
        return self._full


def _gray(image: Image.Image) -> np.ndarray:
    """8-bit grayscale; transparency over white, as a printed or exported code expects (a code
    drawn as black on transparent would otherwise vanish into black)."""
    if image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info:
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    elif image.mode in {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}:
        values = np.asarray(image, dtype=np.float32)
        peak = 65535.0 if values.max() > 255 else 255.0
        return np.clip(values * (255.0 / peak), 0, 255).astype(np.uint8)
    if image.mode != "L":
        image = image.convert("L")
    return np.asarray(image)


def _shrink(gray: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if (gray.shape[1], gray.shape[0]) == size:
        return gray
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


# --- finding the codes --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Place:
    """Where a code may be: four corners in working-copy pixels."""

    corners: np.ndarray  # 4 × 2, float32

    @property
    def side(self) -> float:
        return float(max(np.linalg.norm(self.corners[i] - self.corners[(i + 1) % 4]) for i in range(4)))


def _search(picture: _Picture) -> tuple[list[str], str | None]:
    """The texts found and the name of the pass that found them (None when nothing was)."""
    texts: list[str] = []
    work = picture.working()
    found, located = _read(work)
    _add(texts, found)
    # A code zxing located but could not correct, beside the ones it read, may be a second card's:
    # rescue it even when something was read.
    rescued = [_rescue(picture, place) for place in located if not _inside_any(place, found)]
    if found:
        return _add(texts, [code for codes in rescued for code in codes]), "whole"
    if any(rescued):
        return _add(texts, [code for codes in rescued for code in codes]), "located"
    for place in _likely_places(work):
        if _add(texts, _rescue(picture, place)):
            return texts, "likely-region"
    scale = picture.full_size[0] / work.shape[1]
    for tile in _tiles(picture.full() if scale > 1 else work):
        for binarizer in _BINARIZERS:
            found, _ = _read(tile, errors=False, binarizer=binarizer)
            if found:
                _add(texts, found)
                break
    return texts, "tiles" if texts else None


_LOCAL = zxingcpp.Binarizer.LocalAverage
# A threshold from the histogram of the whole crop or tile: on a blurred code with ~3 px modules it
# reads what the local-average binariser cannot (the local mean sinks into the blur), and within a
# crop or tile the light is even enough for one threshold.
_GLOBAL = zxingcpp.Binarizer.GlobalHistogram
_BINARIZERS = (_LOCAL, _GLOBAL)


def _read(
    gray: np.ndarray, *, errors: bool = True, binarizer: zxingcpp.Binarizer = _LOCAL
) -> tuple[list[zxingcpp.Barcode], list[_Place]]:
    """The codes read, and (with ``errors``) the places of codes located but not read. QR codes
    only: other formats cost time and find "barcodes" in a card's print. No inverted search:
    cards print dark on light, and it costs ~20 % more."""
    if min(gray.shape) < MIN_QR_PIXELS:
        return [], []
    results = zxingcpp.read_barcodes(
        gray, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=True, try_downscale=True,
        try_invert=False, binarizer=binarizer, return_errors=errors,
        # The text as encoded: the default (HRI) writes control characters of binary content as
        # "<GS>", which the card parser would take for data; it strips real ones itself.
        text_mode=zxingcpp.TextMode.Plain,
    )
    found = [result for result in results if result.valid and result.text]
    located = [_Place(_corners(result)) for result in results if not result.valid]
    return found, located


def _add(texts: list[str], results: list[zxingcpp.Barcode]) -> list[str]:
    for result in results:
        if result.text not in texts:
            texts.append(result.text)
    return texts


def _corners(result: zxingcpp.Barcode) -> np.ndarray:
    position = result.position
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return np.array([[point.x, point.y] for point in points], dtype=np.float32)


def _inside_any(place: _Place, found: list[zxingcpp.Barcode]) -> bool:
    """Is the place's centre inside a code already read? (zxing reports a code it read at one
    scale as a failure at another.)"""
    centre = tuple(float(v) for v in place.corners.mean(axis=0))
    return any(cv2.pointPolygonTest(_corners(result), centre, False) >= 0 for result in found)


def _rescue(picture: _Picture, place: _Place) -> list[zxingcpp.Barcode]:
    """Try the treatments on a crop of ``place`` at full resolution; the first that reads wins."""
    work = picture.working()
    scale = picture.full_size[0] / work.shape[1]
    crop = _crop(picture.full() if scale > 1 else work, place.corners * scale, CROP_MARGIN)
    if crop is None:
        return []
    # Module size if the place were a dense code (the smallest it can be). Large modules gain
    # nothing from more pixels, so big crops are shrunk: time and memory stay bounded whatever
    # the locator hands over (a whole 12 MP card, enlarged twice, took 2 s).
    module = max(1.0, place.side * scale / MODULES_ACROSS)
    shrink = min(1.0, CROP_MAX_SIDE / max(crop.shape), CROP_MODULE_PIXELS / module)
    if shrink < 1.0:
        crop = cv2.resize(crop, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        module *= shrink
    for treated, binarizer in _crop_variants(crop, module):
        found, _ = _read(treated, errors=False, binarizer=binarizer)
        if found:
            return found
    return []


def _crop(gray: np.ndarray, corners: np.ndarray, margin: float) -> np.ndarray | None:
    low, high = corners.min(axis=0), corners.max(axis=0)
    pad = float((high - low).max()) * margin
    x0, y0 = (max(0, math.floor(v - pad)) for v in low)
    x1, y1 = (math.ceil(min(limit, v + pad)) for v, limit in zip(high, (gray.shape[1], gray.shape[0])))
    if min(x1 - x0, y1 - y0) < MIN_QR_PIXELS:
        return None
    return gray[y0:y1, x0:x1]


def _crop_variants(crop: np.ndarray, module: float) -> Iterator[tuple[np.ndarray, zxingcpp.Binarizer]]:
    """The treatments of a crop: the cheap ones first, then by how many tuning photos each rescued."""
    yield crop, _LOCAL
    yield crop, _GLOBAL
    # Sharpened by half a module, and for small modules enlarged twice first: blurred modules
    # get edges, and small ones a grid the binariser can follow.
    if module < ENLARGE_BELOW_MODULE_PIXELS:
        sharpened = _unsharp(cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC), module)
    else:
        sharpened = _unsharp(crop, module / 2)
    yield sharpened, _LOCAL
    yield sharpened, _GLOBAL
    equalised = _equalised(crop)
    yield equalised, _LOCAL
    yield _adaptive(equalised, _odd(module * ADAPTIVE_WINDOW_MODULES)), _LOCAL


def _likely_places(work: np.ndarray) -> list[_Place]:
    """Compact, square-ish, busy regions: where a QR code would be when zxing located none.

    Edges (a morphological gradient) at a 500-px long side, thresholded, closed so a code's modules
    merge into one blob and opened so thin text lines drop out; blobs are ranked by how square and
    how solid their rotated box is. 3–11 ms; on the tuning photos that pass 1 could not read, the
    code was among the first three blobs.
    """
    ratio = LOCATOR_LONG_SIDE / max(work.shape)
    small = cv2.resize(work, None, fx=ratio, fy=ratio, interpolation=cv2.INTER_AREA) if ratio < 1 else work
    ratio = min(ratio, 1.0)
    edges = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _, mask = cv2.threshold(edges, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    size = max(3, round(max(small.shape) / 100))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    mask = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel), cv2.MORPH_OPEN, kernel)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    ranked = []
    for contour in contours:
        box = cv2.minAreaRect(contour)
        (width, height) = box[1]
        if min(width, height) < LOCATOR_MIN_FRACTION * max(small.shape):
            continue
        squareness = min(width, height) / max(width, height)
        solidity = cv2.contourArea(contour) / (width * height)
        ranked.append((squareness * solidity, cv2.boxPoints(box) / ratio))
    ranked.sort(key=lambda item: -item[0])
    return [_Place(corners.astype(np.float32)) for _, corners in ranked[:LOCATOR_CANDIDATES]]


def _tiles(gray: np.ndarray) -> Iterator[np.ndarray]:
    """TILE_GRID × TILE_GRID tiles, neighbours overlapping by TILE_OVERLAP of a tile."""
    height, width = gray.shape
    tile_width = math.ceil(width / (TILE_GRID - (TILE_GRID - 1) * TILE_OVERLAP))
    tile_height = math.ceil(height / (TILE_GRID - (TILE_GRID - 1) * TILE_OVERLAP))
    for row in range(TILE_GRID):
        for column in range(TILE_GRID):
            x0 = round(column * tile_width * (1 - TILE_OVERLAP))
            y0 = round(row * tile_height * (1 - TILE_OVERLAP))
            yield gray[y0 : y0 + tile_height, x0 : x0 + tile_width]


def _equalised(gray: np.ndarray) -> np.ndarray:
    # A new CLAHE object per call: it keeps scratch buffers, so one shared between request
    # threads would not be safe, and creating one costs microseconds.
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def _adaptive(gray: np.ndarray, window: int) -> np.ndarray:
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, window, ADAPTIVE_OFFSET)


def _unsharp(gray: np.ndarray, sigma: float, amount: float = 1.5) -> np.ndarray:
    blurred = cv2.GaussianBlur(gray, (0, 0), max(0.5, sigma))
    return cv2.addWeighted(gray, 1.0 + amount, blurred, -amount, 0)


def _odd(value: float) -> int:
    return max(3, int(round(value)) | 1)
