"""No enumeration: wherever an identifier is tested (login, password reset, the look-up, a
submission for a person who already has an account), a known and an unknown one get the same
answer — the same status and the same page or JSON once the CSRF tokens and what was typed are
taken out — and cost the same work: the same number of Argon2 computations, the same rate-limit
counters, no message sent while the visitor waits. Timings are measured, never asserted, in
bench/enumeration.py (docs/benchmarks.md, "Enumeration")."""
import json
import re

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.hashers import CountingArgon2PasswordHasher
from tests.desk.conftest import BINH, CANARY
from tests.registry.helpers import lookup_data, person
from tests.support.flow import Citizen, Walker
from vssid.accounts import services as accounts
from vssid.accounts.models import PasswordReset
from vssid.notify.models import OutboundEmail, OutboundSms

PASSWORD = "Hoa-sen-mua-he-2025"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LOGIN, FORGOT, RESET = reverse("accounts:login"), reverse("accounts:forgot-password"), reverse("accounts:reset-password")
# The fixture account's two identifiers, and two that belong to nobody, of the same shapes.
KNOWN = [CANARY.social_insurance_number, CANARY.id_document_number]
UNKNOWN = ["0100000009", "001199000001"]


@pytest.fixture(autouse=True)
def _counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CountingArgon2PasswordHasher"]


@pytest.fixture
def account(make_declaration):
    account = accounts.activate_account(make_declaration(CANARY)).account
    account.password, account.must_change_password = make_password(PASSWORD), False
    account.save(update_fields=["password", "must_change_password"])
    return account


def page(response, typed: str) -> str:
    return TOKEN.sub("", response.content.decode()).replace(typed, "TYPED")


def attempt(send, typed: str):
    """(status, page, Argon2 computations) of one request."""
    CountingArgon2PasswordHasher.computations = 0
    response = send(typed)
    return response.status_code, page(response, typed), CountingArgon2PasswordHasher.computations


def test_login_unknown_and_wrong_password_get_the_same_page_for_the_same_work(account):
    answers = [attempt(lambda typed: Client().post(LOGIN, {"identifier": typed, "password": "Sai-mat-khau-99"}), typed)
               for typed in KNOWN + UNKNOWN]

    assert len({(status, body) for status, body, _work in answers}) == 1
    assert answers[0][0] == 200 and "không đúng" in answers[0][1]
    assert [work for *_answer, work in answers] == [1, 1, 1, 1]  # one Argon2 computation each


def test_an_account_still_waiting_for_its_first_password_costs_the_same(make_declaration):
    waiting = accounts.activate_account(make_declaration(CANARY)).account  # unusable password until the SMS
    known = attempt(lambda typed: Client().post(LOGIN, {"identifier": typed, "password": "ABCDEFGH23"}),
                    waiting.declaration.social_insurance_number)
    unknown = attempt(lambda typed: Client().post(LOGIN, {"identifier": typed, "password": "ABCDEFGH23"}), UNKNOWN[0])
    assert known == unknown and known[2] == 1


def test_the_api_login_answers_alike_for_the_same_work(account):
    def send(typed):
        return Client().post("/api/v1/account/login", json.dumps({"identifier": typed, "password": "Sai-mat-khau-99"}),
                             content_type="application/json")

    answers = [attempt(send, typed) for typed in KNOWN + UNKNOWN]
    assert len({(status, body) for status, body, _work in answers}) == 1
    assert answers[0][0] == 401 and [work for *_a, work in answers] == [1, 1, 1, 1]


def test_the_lock_comes_at_the_same_attempt_for_known_and_unknown(account):
    def five(typed):
        browser = Client()
        return [browser.post(LOGIN, {"identifier": typed, "password": f"Sai-{n}"}) for n in range(6)]

    known, unknown = five(KNOWN[0]), five(UNKNOWN[0])
    assert [page(r, KNOWN[0]) for r in known] == [page(r, UNKNOWN[0]) for r in unknown]
    assert "tạm khóa" in page(known[-1], KNOWN[0])


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_a_reset_request_gets_the_same_answer_for_the_same_work(account, channel, settings):
    """The request only counts the attempt and queues one job, known or not; the job (run here by
    hand) opens the request and queues the code's message, for the real owner only."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def send(typed):
        return Client().post(FORGOT, {"identifier": typed, "channel": channel}, follow=True)

    answers, jobs = [], []
    for typed in (KNOWN[0], UNKNOWN[0], KNOWN[1], UNKNOWN[1]):
        default_task_backend.clear()
        answers.append(attempt(send, typed))
        jobs.append([job.task.name for job in default_task_backend.results])
    assert len(set(answers)) == 1 and answers[0][0] == 200 and answers[0][2] == 0
    assert jobs == [["open_password_reset_request"]] * 4
    # Nothing else while the visitor waits: no request opened, no code's message queued.
    assert not PasswordReset.objects.exists()
    assert not OutboundSms.objects.filter(purpose="password_reset_code").exists()
    assert not OutboundEmail.objects.filter(purpose="password_reset_code").exists()

    default_task_backend.clear()
    send(KNOWN[0]), send(UNKNOWN[0])
    for job in list(default_task_backend.results):
        job.task.call(*job.args, **job.kwargs)
    assert PasswordReset.objects.filter(account=account, channel=channel).count() == 1
    assert PasswordReset.objects.count() == 1


def test_the_api_reset_answers_alike(account):
    def send(typed):
        return Client().post("/api/v1/account/password-reset", json.dumps({"identifier": typed, "channel": "sms"}),
                             content_type="application/json")

    assert attempt(send, KNOWN[0]) == attempt(send, UNKNOWN[0])


def test_reset_limits_count_the_same_for_known_and_unknown(account, settings):
    settings.VSSID_RESET_RATE_PER_IDENTIFIER = "2/h"

    def statuses(typed):
        return [Client().post(FORGOT, {"identifier": typed, "channel": "sms"}).status_code for _ in range(3)]

    assert statuses(KNOWN[0]) == statuses(UNKNOWN[0]) == [302, 302, 429]


def test_a_wrong_code_for_a_known_or_unknown_identifier_gets_the_same_page(account):
    def send(typed):
        return Client().post(RESET, {"identifier": typed, "code": "123456", "new_password": "Mot-mat-khau-moi-2025",
                                     "new_password_again": "Mot-mat-khau-moi-2025"})

    assert attempt(send, KNOWN[0])[:2] == attempt(send, UNKNOWN[0])[:2]


def test_the_look_up_answers_nobody_and_several_alike_with_the_same_queries(demo_people):
    from vssid.registry.services import upsert_records

    data = lookup_data(id_number="", no_id_document=True)

    def ask():
        with CaptureQueriesContext(connection) as queries:
            response = Client().post(reverse("registry:lookup"), data)
        reads = [q["sql"] for q in queries if "registry_insuredperson" in q["sql"]]
        return response.status_code, TOKEN.sub("", response.content.decode()), len(reads)

    nobody = ask()
    upsert_records([person(id_number=""), person(social_insurance_number="7900000002", id_number="")])
    several = ask()
    assert nobody == several and nobody[2] == 1


def test_a_person_with_an_account_can_submit_like_anyone_else(demo_people, make_declaration):
    """A citizen's submission never says "already registered": that check is the desk's, made with
    the person at the counter. The same steps end on the same confirmation."""
    from vssid.places.models import Commune

    commune = Commune.objects.filter(province_id="01").order_by("code").first().code

    def submit():
        walker = Walker(Client(), Citizen(commune=commune))
        walker.fill_declaration()
        response = walker.submit()
        confirmation = walker.client.get(response["Location"])
        return response.status_code, [t.name for t in confirmation.templates], confirmation.context["owns"]

    before = submit()
    accounts.activate_account(make_declaration(BINH))  # Trần Thị Bình, the walker's citizen, now has one
    assert submit() == before == (302, before[1], True)
