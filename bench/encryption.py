"""What encryption at rest costs (core.crypto): one field, one 300 KB photo, one fingerprint.

    .venv/bin/python bench/encryption.py

Prints mean microseconds per operation over many repetitions, on this machine, in one process;
docs/encryption.md quotes the figures.
"""
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid.settings")

import django  # noqa: E402

django.setup()

from django.test import override_settings  # noqa: E402

from vssid.core import crypto  # noqa: E402

LABEL = "declarations.declaration.mobile_phone"


def mean_us(function, repetitions: int) -> float:
    for _ in range(min(100, repetitions)):  # warm-up
        function()
    started = time.perf_counter()
    for _ in range(repetitions):
        function()
    return (time.perf_counter() - started) / repetitions * 1e6


def main():
    token = crypto.encrypt("+84912345678", label=LABEL)
    photo = os.urandom(300 * 1024)  # as incompressible as a JPEG
    header, blob = crypto.encrypt_bytes(photo, label="photos.photo|x")
    figures = {
        "field encrypt": mean_us(lambda: crypto.encrypt("+84912345678", label=LABEL), 20000),
        "field decrypt": mean_us(lambda: crypto.decrypt(token, label=LABEL), 20000),
        "field token length (characters)": len(token),
        "fingerprint of a phone": mean_us(lambda: crypto.fingerprint(crypto.PHONE, "0912 345 678"), 20000),
        "fingerprint of an ID number": mean_us(lambda: crypto.fingerprint(crypto.ID_NUMBER, "001190012345"), 20000),
        "300 KB photo encrypt": mean_us(lambda: crypto.encrypt_bytes(photo, label="photos.photo|x"), 500),
        "300 KB photo decrypt": mean_us(lambda: crypto.decrypt_bytes(header, blob, label="photos.photo|x"), 500),
    }
    old, new = crypto.generate_key_line("old"), crypto.generate_key_line("new")
    with override_settings(VSSID_DATA_KEYS=[old]):
        sealed_under_old = crypto.encrypt("+84912345678", label=LABEL)
    with override_settings(VSSID_DATA_KEYS=[new, old]):
        figures["re-seal one data key (rotation)"] = mean_us(lambda: crypto.rewrap(sealed_under_old), 20000)
    for name, value in figures.items():
        print(f"{name:34} {value:10.1f}" + ("" if "length" in name else " µs"))


if __name__ == "__main__":
    main()
