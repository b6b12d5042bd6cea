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
    for label, data, kind in cases:
        prepare_photo(data, kind)  # warm-up: the face cascade loads, caches fill
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            prepare_photo(data, kind)
            timings.append((time.perf_counter() - started) * 1000)
        results[label] = {"bytes": len(data), "median_ms": statistics.median(timings), "best_ms": min(timings)}
        print(f"{label:26s} {len(data) / 1e6:5.1f} MB  median {statistics.median(timings):6.0f} ms"
              f"  best {min(timings):6.0f} ms")

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "photo_intake.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
