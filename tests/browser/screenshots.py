"""Screenshots for the README and docs/user-guide.md, taken by the browser tests when
VSSID_SCREENSHOTS=dir is set (nothing happens otherwise):

    VSSID_SCREENSHOTS=docs/screenshots .venv/bin/pytest -p no:cacheprovider tests/browser

Each is the visible window only (not the full page), so the files stay small: the phone at its
360 × 800, and with `desktop=True` the same page again at 1280 × 800, the phone size restored after.
"""
import os
from pathlib import Path

DESKTOP = {"width": 1280, "height": 800}


def shoot(page, name: str, desktop: bool = False) -> None:
    folder = os.environ.get("VSSID_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=f"{folder}/{name}.png")
    if desktop:
        size = page.viewport_size
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=f"{folder}/desktop-{name.removeprefix('phone-')}.png")
        page.set_viewport_size(size)
