"""A phone app talking to the JSON API through Django's test client."""
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from tests.support.images import make_card_jpeg, make_portrait_jpeg

BASE = "/api/v1"


def multipart_photo(data: bytes, name: str = "photo.jpg") -> bytes:
    return encode_multipart(BOUNDARY, {"photo": SimpleUploadedFile(name, data, "image/jpeg")})


def good_photos() -> dict[str, bytes]:
    return {"portrait": make_portrait_jpeg(), "id_front": make_card_jpeg(seed=1), "id_back": make_card_jpeg(seed=2)}


class App:
    """What a native client does: keep the draft token and send it as a bearer token."""

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def _auth(self, extra):
        headers = dict(extra)
        if self.token is not None:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return headers

    def get(self, path, **extra):
        return self.client.get(BASE + path, **self._auth(extra))

    def post(self, path, data=None, **extra):
        body = "" if data is None else json.dumps(data)
        return self.client.post(BASE + path, body, content_type="application/json", **self._auth(extra))

    def patch(self, data, path="/declarations/current", **extra):
        return self.client.patch(BASE + path, json.dumps(data), content_type="application/json", **self._auth(extra))

    def put_photo(self, kind, data: bytes, **extra):
        return self.client.put(BASE + f"/declarations/current/photos/{kind}", multipart_photo(data),
                               content_type=MULTIPART_CONTENT, **self._auth(extra))

    def start(self):
        response = self.post("/declarations")
        assert response.status_code == 201, response.content
        self.token = response.json()["token"]
        return response

    def submit(self, key="3f0c6d2e-6a55-4a8e-9d0e-7d3b9c1a2b4c", **extra):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return self.post("/declarations/current/submit", **headers, **extra)


def codes(response) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]
