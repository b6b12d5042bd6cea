"""Photos through the API: the web's intake (checks, re-encoding, private storage), streamed, bounded."""
import os

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.test.client import MULTIPART_CONTENT

from vssid.declarations import services
from vssid.photos.models import Photo
from tests.support.images import blurred, encode, make_card_image, make_card_jpeg

from .helpers import BASE, codes, good_photos, multipart_photo

pytestmark = pytest.mark.django_db


def test_each_photo_is_accepted_and_reported(answered):
    for kind, data in good_photos().items():
        response = answered.put_photo(kind, data)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["kind"] == kind and body["width"] <= 1600 and body["byte_size"] > 0
    state = answered.get("/declarations/current").json()
    assert state["answers"]["photos"] == {"portrait": True, "id_front": True, "id_back": True}
    assert state["next_step"] == "office"
    assert Photo.objects.count() == 3


def test_a_photo_can_be_replaced(with_photos):
    first = Photo.objects.get(kind="id_front").pk
    assert with_photos.put_photo("id_front", make_card_jpeg(seed=3)).status_code == 200
    current = with_photos.get("/declarations/current").json()
    assert current["answers"]["photos"]["id_front"]
    from vssid.declarations.models import Declaration
    assert Declaration.objects.get().id_front_id != first


def test_the_stored_photo_can_be_fetched_back_as_jpeg(with_photos):
    response = with_photos.get("/declarations/current/photos/portrait")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "no-store" in response["Cache-Control"]


def test_a_photo_not_yet_sent_is_a_404(answered):
    response = answered.get("/declarations/current/photos/id_back")
    assert response.status_code == 404 and codes(response) == [("kind", "photo_not_found")]


@pytest.mark.parametrize("kind,data,code", [
    ("id_front", encode(blurred(make_card_image(seed=1)), "JPEG", quality=90), "blurry"),
    ("portrait", b"%PDF-1.7 not a picture", "wrong_type"),
    ("id_front", b"", "empty"),
])
def test_a_refused_photo_answers_the_intakes_code(answered, kind, data, code):
    response = answered.put_photo(kind, data)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("photo", code)]
    assert errors[0]["message"]


def test_the_back_must_not_be_the_front_again(answered):
    front = make_card_jpeg(seed=1)
    assert answered.put_photo("id_front", front).status_code == 200
    response = answered.put_photo("id_back", front)
    assert response.status_code == 422 and codes(response) == [("photo", "same_as_front")]


def test_a_request_declaring_more_than_a_photo_may_be_is_refused_unread(answered, settings):
    response = answered.client.put(
        f"{BASE}/declarations/current/photos/portrait", multipart_photo(b"tiny"), content_type=MULTIPART_CONTENT,
        HTTP_AUTHORIZATION=f"Bearer {answered.token}", CONTENT_LENGTH=str(settings.VSSID_PHOTO_MAX_BYTES + 200_000),
    )
    assert response.status_code == 413 and codes(response) == [(None, "request_too_large")]


def test_a_photo_just_over_the_limit_is_refused_as_too_large(answered, settings):
    settings.VSSID_PHOTO_MAX_BYTES = 3 * 1024 * 1024  # the same path as 10 MB, with less to send
    response = answered.put_photo("portrait", b"\xff\xd8\xff" + bytes(3 * 1024 * 1024))
    assert response.status_code == 413 and codes(response) == [("photo", "too_large")]


def test_a_large_upload_is_streamed_to_a_temporary_file_not_held_in_memory(answered, monkeypatch):
    seen = []

    def spy(declaration, kind, stream):
        seen.append(type(stream))
        return original(declaration, kind, stream)

    original = services.attach_photo
    monkeypatch.setattr(services, "attach_photo", spy)
    big = b"\xff\xd8\xff" + os.urandom(3 * 1024 * 1024)  # past FILE_UPLOAD_MAX_MEMORY_SIZE (2 MB)
    answered.put_photo("id_front", big)  # refused by the intake afterwards: not a real JPEG
    assert seen == [TemporaryUploadedFile]


def test_a_photo_must_come_as_multipart(answered):
    response = answered.client.put(f"{BASE}/declarations/current/photos/portrait", make_card_jpeg(seed=1),
                                   content_type="image/jpeg", HTTP_AUTHORIZATION=f"Bearer {answered.token}")
    assert response.status_code == 415 and codes(response) == [("photo", "unsupported_media_type")]


def test_the_photo_field_is_required(answered):
    from django.test.client import BOUNDARY, encode_multipart

    response = answered.client.put(f"{BASE}/declarations/current/photos/portrait",
                                   encode_multipart(BOUNDARY, {"other": "x"}), content_type=MULTIPART_CONTENT,
                                   HTTP_AUTHORIZATION=f"Bearer {answered.token}")
    assert response.status_code == 422 and codes(response) == [("photo", "required")]


def test_an_unknown_kind_of_photo_is_refused(answered):
    response = answered.put_photo("selfie", make_card_jpeg(seed=1))
    assert response.status_code == 422 and codes(response) == [("kind", "invalid_choice")]


def test_photos_wait_for_the_form_steps(app):
    app.start()
    response = app.put_photo("portrait", make_card_jpeg(seed=1))
    assert response.status_code == 422 and codes(response) == [("photo", "step_not_open")]
    assert Photo.objects.count() == 0


def test_uploads_are_rate_limited_per_draft(answered, settings):
    settings.VSSID_API_RATES = {"upload_photo": "1/h"}
    assert answered.put_photo("id_front", make_card_jpeg(seed=1)).status_code == 200
    refused = answered.put_photo("id_back", make_card_jpeg(seed=2))
    assert refused.status_code == 429 and codes(refused) == [(None, "rate_limited")]
