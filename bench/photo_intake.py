"""How long prepare_photo takes for a 12 MP phone photo, per format and kind.

    .venv/bin/python bench/photo_intake.py [--runs 7]

Builds a 4032 × 3024 card with sensor-like noise (so the JPEG is ~3 MB like a phone's, not a
suspiciously compressible synthetic one) and a 3024 × 4032 portrait, encodes each as JPEG (q92)
and HEIC (q50: ~2 MB, like an iPhone's), and prints the median and best of several runs.
Results go to bench/out/ too.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.support: the shared image builders
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from tests.support import images  # noqa: E402
from vssid.photos.intake import prepare_photo  # noqa: E402


def with_sensor_noise(image: Image.Image, sigma: float = 6.0) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32)
    noise = np.random.default_rng(0).normal(0, sigma, pixels.shape).astype(np.float32)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), "RGB")


def bare_reencode(data: bytes) -> bytes:
    """The floor beside which prepare_photo is read, in the same run: what any service must do
    with a phone photo — decode it, shrink it to 1600 px, encode a JPEG — with Pillow's fastest
    options and no checks (no sniffing, orientation, quality checks or fingerprints)."""
    import io

    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (1600, 1600))  # JPEG only: decode at a reduced scale
    image = image.convert("RGB")
    image.thumbnail((1600, 1600), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _median_ms(work, runs: int) -> float:
    work()  # warm-up: the face cascade loads, caches fill
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    card = with_sensor_noise(images.make_card_image(4032, 3024, seed=4))
    portrait = with_sensor_noise(images.make_portrait_image().resize((3024, 4032), Image.Resampling.LANCZOS))
    cases = []
    for name, picture, kind in (("card", card, "id_front"), ("portrait", portrait, "portrait")):
        for format, params in (("JPEG", {"quality": 92}), ("HEIF", {"quality": 50})):
            cases.append((f"{name} 12 MP {format}", images.encode(picture, format, **params), kind))

    results = {}
    print(f"{'photo':26s} {'size':>8s}  {'prepare_photo':>16s}  {'floor: decode+resize+encode':>28s}")
    for label, data, kind in cases:
        ours = _median_ms(lambda: prepare_photo(data, kind), runs)
        floor = _median_ms(lambda: bare_reencode(data), runs)
        results[label] = {"bytes": len(data), "prepare_photo_median_ms": ours, "floor_median_ms": floor}
        print(f"{label:26s} {len(data) / 1e6:5.1f} MB  {ours:13.0f} ms  {floor:25.0f} ms")

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "photo_intake.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
