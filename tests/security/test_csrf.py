"""CSRF on every form: each form that posts carries the token, in the templates and in the pages
as served, and a post without it is refused with the friendly page, having changed nothing."""
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import vssid
from vssid.declarations.models import Declaration

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)
ANY_ID = "3f0c1f0e-0000-4000-8000-000000000000"


def _templates():
    return sorted(Path(vssid.__file__).parent.glob("*/templates/**/*.html"))


def test_every_posting_form_in_the_templates_has_the_token_tag():
    forms = 0
    for template in _templates():
        for form in POST_FORM.finditer(template.read_text()):
            forms += 1
            assert "{% csrf_token %}" in form.group(), f"{template}: {form.group()[:120]}"
    assert forms >= 25  # the citizen's steps, the account pages, the desk's forms


def test_every_posting_form_as_served_carries_a_token(site_pages):
    forms = 0
    for page in site_pages:
        response = page.client.get(page.url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        for form in POST_FORM.finditer(response.content.decode()):
            forms += 1
            assert re.search(r'name="csrfmiddlewaretoken" value="\w{20,}"', form.group()), page.name
    assert forms >= 30  # the language switch alone is on every page


# Every view that accepts a POST from a browser (the API takes bearer tokens, never cookies).
POSTED = [
    ("declarations:start", {}), ("declarations:personal", {}), ("declarations:social-insurance-number", {}),
    ("declarations:id-document", {}), ("declarations:province", {}), ("declarations:address", {}),
    ("declarations:contact", {}), ("declarations:photos", {}), ("declarations:office", {}),
    ("declarations:check", {}), ("declarations:scan", {}), ("declarations:scan-confirm", {}),
    ("declarations:cancel", {}), ("registry:lookup", {}), ("set_language", {}),
    ("accounts:login", {}), ("accounts:logout", {}), ("accounts:change-password", {}),
    ("accounts:forgot-password", {}), ("accounts:reset-password", {}),
    ("desk:login", {}), ("desk:logout", {}), ("desk:search", {}), ("desk:assisted-start", {}),
    ("desk:approve", {"pk": ANY_ID}), ("desk:reject", {"pk": ANY_ID}),
    ("desk:assisted-step", {"pk": ANY_ID, "slug": "personal"}), ("desk:assisted-check", {"pk": ANY_ID}),
    ("desk:officers", {}), ("desk:officer-unlock", {"user_id": 1}),
]


@pytest.mark.parametrize("name,kwargs", POSTED)
def test_a_post_without_the_token_gets_the_friendly_page(name, kwargs, db):
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("declarations:start"))  # a CSRF cookie, but no token in the form
    response = browser.post(reverse(name, kwargs=kwargs or None), {"full_name": "Nguyễn Văn An"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in page and "tải lại" in page
    assert "Traceback" not in page and "CSRF" not in page
    assert not Declaration.objects.exists()


def test_a_wrong_token_is_refused_the_same_way(db):
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("declarations:start"))
    response = browser.post(reverse("declarations:start"), {"csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403 and "Phiên làm việc đã hết hạn" in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_token_from_the_page_is_accepted(db):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("declarations:start")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page).group(1)
    assert browser.post(reverse("declarations:start"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert Declaration.objects.count() == 1
