"""Rate limits per browser session, beside those per client address and per target: one browser
hammering a page is stopped sooner than a crowd behind one address, and a new session does not
reset the other counters. docs/security.md lists every limit the settings define."""
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.registry.helpers import lookup_data

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
PAGES = {
    "look-up": (reverse("registry:lookup"), lambda n: lookup_data(full_name=f"Nguyễn Văn {'ABCDEFGH'[n]}"),
                "VSSID_LOOKUP_RATE_PER_SESSION"),
    "login": (reverse("accounts:login"), lambda n: {"identifier": f"010000000{n}", "password": "Sai-mat-khau"},
              "VSSID_LOGIN_RATE_PER_SESSION"),
    "reset request": (reverse("accounts:forgot-password"), lambda n: {"identifier": f"010000000{n}", "channel": "sms"},
                      "VSSID_RESET_RATE_PER_SESSION"),
    "reset code": (reverse("accounts:reset-password"),
                   lambda n: {"identifier": f"010000000{n}", "code": "123456", "new_password": "Mot-mat-khau-moi-2025",
                              "new_password_again": "Mot-mat-khau-moi-2025"},
                   "VSSID_RESET_CODE_RATE_PER_SESSION"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_one_session_is_limited_and_another_is_not(name, settings, db):
    url, data, setting = PAGES[name]
    setattr(settings, setting, "2/h")
    browser = Client()
    # Different people each time: only the session's counter can be the one that refuses.
    answers = [browser.post(url, data(n)).status_code for n in range(3)]
    assert 429 not in answers[:2] and answers[2] == 429, answers
    refused = browser.post(url, data(3))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "thử lại sau" in refused.content.decode().lower()
    assert Client().post(url, data(4)).status_code != 429  # another browser, same address


def test_the_first_attempt_gives_a_visitor_a_session(db):
    browser = Client()
    browser.post(reverse("accounts:login"), {"identifier": "0100000001", "password": "Sai-mat-khau"})
    assert browser.cookies["sessionid"].value


def test_a_new_session_does_not_escape_the_client_limit(settings, db):
    settings.VSSID_LOGIN_RATE_PER_CLIENT = "2/h"
    answers = [Client().post(reverse("accounts:login"), {"identifier": "0100000001", "password": "x"}).status_code
               for _ in range(3)]
    assert answers == [200, 200, 429]


def test_every_rate_setting_is_in_the_policy_table():
    table = DOCS.read_text()
    rates = [name for name in dir(django_settings) if re.fullmatch(r"VSSID_\w*RATE\w*", name)]
    assert len(rates) >= 11
    assert [name for name in rates if f"`{name}`" not in table] == []
