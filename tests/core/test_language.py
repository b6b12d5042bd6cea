"""Pages are in Vietnamese unless English was chosen with the switch; the API follows
Accept-Language (apps say what they want)."""
import pytest

pytestmark = pytest.mark.django_db

START = "/"


def test_a_phone_set_to_english_still_gets_the_vietnamese_pages(client):
    page = client.get(START, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert 'lang="vi"' in page.content.decode()


def test_the_language_switch_chooses_english_for_the_following_pages(client):
    client.get(START)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": START})
    assert switched.status_code == 302
    page = client.get(START, HTTP_ACCEPT_LANGUAGE="vi")
    assert 'lang="en"' in page.content.decode()


def test_a_cookie_naming_an_unknown_language_falls_back_to_vietnamese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert 'lang="vi"' in client.get(START).content.decode()


def test_the_api_answers_in_the_language_the_app_asks_for(client):
    english = client.post("/api/v1/cards/parse", {"text": "not a card"}, content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client.post("/api/v1/cards/parse", {"text": "not a card"}, content_type="application/json")
    assert english.status_code == vietnamese.status_code == 422
    assert english.json()["errors"][0]["message"] != vietnamese.json()["errors"][0]["message"]
