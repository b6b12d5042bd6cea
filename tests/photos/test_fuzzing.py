"""Hostile and damaged input: every outcome is a clean JPEG or a PhotoRejected, nothing else."""
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.support import images
from vssid.photos.errors import PhotoRejected, RejectionCode
from vssid.photos.intake import OUTPUT_LONG_SIDE, prepare_photo
from vssid.photos.kinds import PhotoKind

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Beginnings that get past the sniffing, so the decoders themselves are exercised.
MAGIC = [
    b"",
    b"\xff\xd8\xff",
    b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00",
    b"\x89PNG\r\n\x1a\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
]

# Small but valid originals (640 × 480, above the minimum) so that each example decodes quickly.
ORIGINALS = {
    format: images.encode(images.make_card_image(640, 480, seed=60), format)
    for format in ("JPEG", "PNG", "WEBP", "HEIF")
}

NOT_A_PICTURE = {
    RejectionCode.EMPTY,
    RejectionCode.WRONG_TYPE,
    RejectionCode.UNREADABLE,
    RejectionCode.TOO_SMALL,
    RejectionCode.TOO_MANY_PIXELS,
}


def _outcome(data: bytes, kind=PhotoKind.ID_FRONT):
    """prepare_photo's result; a refusal is returned, any other exception fails the test."""
    try:
        prepared = prepare_photo(data, kind)
    except PhotoRejected as refusal:
        assert str(refusal.message)  # renders
        return refusal
    output = Image.open(io.BytesIO(prepared.jpeg))
    output.load()
    assert output.format == "JPEG" and output.mode == "RGB"
    assert max(output.size) <= OUTPUT_LONG_SIDE and output.size == (prepared.width, prepared.height)
    assert not output.getexif()
    return prepared


@FUZZ
@given(magic=st.sampled_from(MAGIC), tail=st.binary(max_size=2048))
def test_random_bytes_are_refused_as_not_a_picture(magic, tail):
    result = _outcome(magic + tail)

    assert isinstance(result, PhotoRejected) and result.code in NOT_A_PICTURE


@FUZZ
@given(
    format=st.sampled_from(sorted(ORIGINALS)),
    cut=st.floats(min_value=0.0, max_value=0.999),
)
def test_any_truncation_is_refused(format, cut):
    data = ORIGINALS[format]
    result = _outcome(data[: int(len(data) * cut)])

    assert isinstance(result, PhotoRejected) and result.code in NOT_A_PICTURE


@FUZZ
@given(
    format=st.sampled_from(sorted(ORIGINALS)),
    edits=st.lists(st.tuples(st.floats(min_value=0.0, max_value=0.999), st.integers(0, 255)), min_size=1, max_size=8),
    kind=st.sampled_from(list(PhotoKind)),
)
def test_corrupted_bytes_give_a_clean_jpeg_or_a_refusal(format, edits, kind):
    data = bytearray(ORIGINALS[format])
    for position, value in edits:
        data[int(len(data) * position)] = value

    _outcome(bytes(data), kind)


@FUZZ
@given(
    format=st.sampled_from(sorted(ORIGINALS)),
    position=st.floats(min_value=0.0, max_value=1.0),
    junk=st.binary(min_size=1, max_size=512),
)
def test_inserted_junk_gives_a_clean_jpeg_or_a_refusal(format, position, junk):
    data = ORIGINALS[format]
    at = int(len(data) * position)

    _outcome(data[:at] + junk + data[at:])
