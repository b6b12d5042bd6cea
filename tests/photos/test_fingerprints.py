"""The fingerprints behind "the back is the front again": what counts as the same picture.

These tests are also the measurements quoted at services.SAME_PICTURE_MAX_DISTANCE.
"""
import io
import itertools
import random

import pytest
from PIL import Image, ImageEnhance

from tests.support import images
from vssid.photos.errors import RejectionCode
from vssid.photos.intake import prepare_photo
from vssid.photos.kinds import PhotoKind
from vssid.photos.models import Photo
from vssid.photos.services import SAME_PICTURE_MAX_DISTANCE, hamming_distance, is_same_picture, repeated_side


def _prepared(image: Image.Image, kind=PhotoKind.ID_FRONT, format="JPEG", **params):
    return prepare_photo(images.encode(image, format, **params), kind)


def _row(prepared, kind) -> Photo:
    """An unsaved Photo carrying the fingerprints (is_same_picture reads nothing else)."""
    return Photo(kind=kind, sha256=prepared.sha256, dhash=prepared.dhash, dhash256=prepared.dhash256)


def _on_table(card: Image.Image, dx: int, dy: int) -> Image.Image:
    """A card photographed on a brown table, as most phone photos of an ID are."""
    table = Image.new("RGB", (1600, 1200), (60, 45, 35))
    table.paste(card.resize((1000, 630)), (300 + dx, 285 + dy))
    return table


def _copies(image: Image.Image) -> dict[str, Image.Image]:
    """What happens to one picture between the gallery and a second upload."""
    def round_trip(picture, format, **params):
        return Image.open(io.BytesIO(images.encode(picture, format, **params))).convert("RGB")

    width, height = image.size
    return {
        "jpeg-q50": round_trip(image, "JPEG", quality=50),
        "jpeg-q95": round_trip(image, "JPEG", quality=95),
        "webp-q70": round_trip(image, "WEBP", quality=70),
        "shrunk-q60": round_trip(image.resize((width // 2, height // 2)), "JPEG", quality=60),
        "brighter-15%": ImageEnhance.Brightness(image).enhance(1.15),
        "less-contrast-20%": ImageEnhance.Contrast(image).enhance(0.8),
    }


TABLE_SHOTS = [_on_table(images.make_card_image(seed=seed), *random.Random(seed).choices(range(-40, 41), k=2))
               for seed in range(16)]


@pytest.mark.parametrize("shot", range(4))
def test_copies_of_one_picture_stay_within_the_threshold(shot):
    original = _prepared(TABLE_SHOTS[shot])

    for name, copy in _copies(TABLE_SHOTS[shot]).items():
        distance = hamming_distance(original.dhash256, _prepared(copy).dhash256)
        assert distance <= SAME_PICTURE_MAX_DISTANCE, f"{name}: {distance} bits"


def test_different_cards_on_the_same_table_stay_beyond_the_threshold():
    hashes = [_prepared(shot).dhash256 for shot in TABLE_SHOTS]

    closest = min(hamming_distance(a, b) for a, b in itertools.combinations(hashes, 2))

    assert closest > SAME_PICTURE_MAX_DISTANCE


def test_the_same_upload_twice_is_the_same_picture():
    front = _prepared(images.make_card_image(seed=30))
    back = _prepared(images.make_card_image(seed=30), PhotoKind.ID_BACK)

    assert front.sha256 == back.sha256
    assert is_same_picture(_row(front, PhotoKind.ID_FRONT), _row(back, PhotoKind.ID_BACK))
    refusal = repeated_side(PhotoKind.ID_BACK)
    assert refusal.code == RejectionCode.SAME_AS_FRONT
    assert str(refusal.message) == "Ảnh mặt sau giống hệt ảnh mặt trước – hãy chụp mặt sau của giấy tờ"
    assert str(repeated_side(PhotoKind.ID_FRONT).message) == (
        "Ảnh mặt trước giống hệt ảnh mặt sau – hãy chụp mặt trước của giấy tờ")


def test_a_recompressed_copy_of_the_front_is_refused_as_the_back():
    card = images.make_card_image(seed=31)
    front = _prepared(card)
    # Sent through a chat app: halved and recompressed hard.
    back = _prepared(card.resize((1000, 625)), PhotoKind.ID_BACK, quality=40)

    assert front.sha256 != back.sha256
    assert is_same_picture(_row(front, PhotoKind.ID_FRONT), _row(back, PhotoKind.ID_BACK))


def test_a_heic_front_uploaded_again_as_a_jpeg_is_the_same_picture():
    card = images.make_card_image(seed=32)
    front = _prepared(card, format="HEIF")
    back = _prepared(card, PhotoKind.ID_BACK, format="JPEG", quality=80)

    assert is_same_picture(_row(front, PhotoKind.ID_FRONT), _row(back, PhotoKind.ID_BACK))


def test_the_two_sides_of_a_card_are_accepted():
    front = _prepared(images.make_card_image(seed=33))
    back = _prepared(images.make_card_image(seed=34), PhotoKind.ID_BACK)

    assert not is_same_picture(_row(front, PhotoKind.ID_FRONT), _row(back, PhotoKind.ID_BACK))


def test_the_coarse_hash_is_kept_for_look_ups_and_follows_copies():
    card = images.make_card_image(seed=35)
    original = _prepared(card)
    copy = _prepared(card, quality=60)

    assert hamming_distance(original.dhash, copy.dhash) <= 6
    assert hamming_distance(original.dhash, _prepared(images.make_card_image(seed=36)).dhash) > 6
