import io
from pathlib import Path

import pytest
from PIL import Image

from vssid.photos.errors import PhotoRejected, RejectionCode
from vssid.photos.intake import PreparedPhoto, prepare_photo
from vssid.photos.kinds import PhotoKind


def refusal(data, kind=PhotoKind.ID_FRONT) -> PhotoRejected:
    """The PhotoRejected that prepare_photo raises for `data` (fails the test if it accepts)."""
    with pytest.raises(PhotoRejected) as caught:
        prepare_photo(data, kind)
    error = caught.value
    # Every refusal must render into a sentence naming the picture, whatever the code.
    text = str(error.message)
    assert str(PhotoKind(kind).label).lower() in text.lower() or "ảnh cá nhân" in text.lower()
    assert "%(" not in text
    return error


def assert_refused(data, code: RejectionCode, kind=PhotoKind.ID_FRONT) -> PhotoRejected:
    error = refusal(data, kind)
    assert error.code == code, f"expected {code}, got {error.code}"
    return error


def decoded(prepared: PreparedPhoto) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.jpeg))
    assert image.format == "JPEG"
    image.load()
    return image


def stored_files(storage) -> list[str]:
    """Every file under a FileSystemStorage's root, as relative names."""
    root = Path(storage.location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
