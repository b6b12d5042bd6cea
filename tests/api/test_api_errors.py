"""Every failure answers one JSON shape, with a stable code, a sentence for the citizen in the
request's language, the right status, and nothing internal."""
import pytest
from django.utils import translation

from vssid.api import errors as api_errors

from .helpers import BASE, codes

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}
        assert isinstance(error["code"], str) and error["code"]
        assert isinstance(error["message"], str) and error["message"]
    return body["errors"]


def test_an_unknown_path_is_a_json_404_not_the_web_page(client):
    errors = assert_error_shape(client.get(f"{BASE}/no-such-thing"), 404)
    assert errors[0]["code"] == "not_found"
    # nor a redirect to a slash-ended path
    assert_error_shape(client.get(f"{BASE}/provinces/"), 404)
    assert_error_shape(client.get(f"{BASE}/"), 404)


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client):
    response = client.delete(f"{BASE}/provinces")
    errors = assert_error_shape(response, 405)
    assert errors[0]["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_a_body_that_is_not_json_is_a_400(app):
    app.start()
    response = app.client.patch(f"{BASE}/declarations/current", "{not json", content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {app.token}")
    assert codes(response) == [(None, "invalid_json")]
    assert_error_shape(response, 400)


def test_a_json_body_over_64_kb_is_refused_before_it_is_read(app):
    app.start()
    big = '{"full_name": "' + "a" * (65 * 1024) + '"}'
    response = app.client.patch(f"{BASE}/declarations/current", big, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {app.token}")
    errors = assert_error_shape(response, 413)
    assert errors[0]["code"] == "request_too_large"


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(client):
    # The body is tiny; the header alone decides, so a slow client cannot make the server read 1 GB.
    response = client.post(f"{BASE}/cards/parse", '{"text": "x"}', content_type="application/json",
                           CONTENT_LENGTH=str(2**30))
    assert_error_shape(response, 413)


def test_a_malformed_content_length_is_a_400(client):
    response = client.post(f"{BASE}/cards/parse", '{"text": "x"}', content_type="application/json",
                           CONTENT_LENGTH="lots")
    assert codes(response) == [(None, "bad_request")]


def test_schema_violations_name_the_field_with_a_stable_code(app):
    app.start()
    response = app.patch({"full_name": 12, "dob": "1990-01-01", "office": "first"})
    assert_error_shape(response, 422)
    assert sorted(codes(response)) == [("dob", "unknown_field"), ("full_name", "invalid_type"),
                                       ("office", "invalid_type")]


def test_query_parameters_are_checked_too(client):
    response = client.get(f"{BASE}/offices?latitude=91&longitude=abc")
    assert_error_shape(response, 422)
    assert sorted(codes(response)) == [("latitude", "out_of_range"), ("longitude", "invalid_type")]


def test_a_missing_or_unknown_token_is_a_401_asking_for_a_bearer_token(client):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-real-token"}, {"HTTP_AUTHORIZATION": "Basic eDp5"}):
        response = client.get(f"{BASE}/declarations/current", **headers)
        errors = assert_error_shape(response, 401)
        assert errors[0]["code"] == "unauthorized"
        assert response["WWW-Authenticate"] == "Bearer"


def test_an_unexpected_failure_is_a_500_in_the_shape_without_internals(client, monkeypatch, settings, caplog):
    def broken():
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("vssid.places.selectors.list_provinces", broken)
    for debug in (False, True):
        settings.DEBUG = debug
        response = client.get(f"{BASE}/provinces")
        errors = assert_error_shape(response, 500)
        assert errors == [{"field": None, "code": "server_error", "message": errors[0]["message"]}]
        text = response.content.decode()
        assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert "hunter2" in caplog.text  # the server's log has it, for the operator


def test_ninjas_own_debug_details_never_reach_the_client(app, settings):
    settings.DEBUG = True
    app.start()
    response = app.client.patch(f"{BASE}/declarations/current", "{oops", content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {app.token}")
    assert "Expecting" not in response.content.decode()  # json's own message
    assert codes(response) == [(None, "invalid_json")]


def test_messages_are_rendered_in_the_requests_language(client, monkeypatch):
    # No English catalogue ships yet; a stand-in translator shows which language each message was
    # rendered in, which is what a real catalogue would then translate.
    monkeypatch.setattr(api_errors, "gettext", lambda text: f"[{translation.get_language()}] {text}")
    english = client.get(f"{BASE}/no-such-thing", HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client.get(f"{BASE}/no-such-thing")
    assert english.json()["errors"][0]["message"].startswith("[en] ")
    assert english["Content-Language"] == "en"
    assert vietnamese.json()["errors"][0]["message"].startswith("[vi] ")
    assert english.json()["errors"][0]["code"] == vietnamese.json()["errors"][0]["code"] == "not_found"


def test_every_catalogued_message_renders_with_its_parameters():
    params = {"method": "PUT", "limit": 65536, "seconds": 30, "step": "Mã số BHXH"}
    for code, message in api_errors.MESSAGES.items():
        needed = {name: value for name, value in params.items() if f"%({name})" in str(message)}
        rendered = api_errors.item(code, **needed).message
        assert "%(" not in rendered, code


def test_error_responses_are_not_cached(client):
    assert client.get(f"{BASE}/nothing")["Cache-Control"] == "no-store"
