"""A client that timed out sends again, twice at once: one declaration, one email, one SMS.

The two requests run in two threads, each with its own PostgreSQL connection, released together;
whichever wins, the other finds the declaration locked, then sent. Reference data of the tests'
own (province 99) stands in for the 2025 units, which an earlier transactional test may have
flushed.
"""
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.api.helpers import App, good_photos
from tests.support.flow import Walker
from vssid.api.models import IdempotentSubmission
from vssid.declarations.models import Declaration
from vssid.notify.models import OutboundEmail, OutboundSms

pytestmark = pytest.mark.django_db(transaction=True)

def at_once(*requests):
    """Run the requests in threads released together; return their answers in order."""
    answers = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def run(i, request):
        try:
            start.wait(timeout=30)
            answers[i] = request()
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return answers


def assert_one_submission_delivered_once(mail_server, sms_provider, run_worker):
    [declaration] = Declaration.objects.filter(status=Declaration.Status.SUBMITTED)
    assert declaration.reference_code and declaration.visit_due_date and declaration.portrait_id
    assert OutboundEmail.objects.filter(declaration_id=declaration.pk).count() == 1
    assert OutboundSms.objects.filter(object_id=declaration.pk).count() == 1
    mail_server.start()
    sms_provider.start()
    run_worker()
    assert len(mail_server.messages) == 1
    assert [p["to"] for p in sms_provider.delivered.values()] == [declaration.mobile_phone]
    return declaration


def test_the_api_submit_sent_twice_at_once_with_one_key_makes_one_declaration(
        registered, api_draft, mail_server, sms_provider, run_worker):
    app = api_draft()
    for kind, data in good_photos().items():
        assert app.put_photo(kind, data).status_code == 200
    response = app.patch({"office": registered.pk, "email_declaration": True})
    assert response.status_code == 200, response.content
    twin = App(Client())
    twin.token = app.token

    first, second = at_once(lambda: app.submit(key="timeout-retry"), lambda: twin.submit(key="timeout-retry"))
    third = app.submit(key="timeout-retry")  # and once more, later

    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200], first.content
    assert first.json() == second.json() == third.json()
    assert IdempotentSubmission.objects.count() == 1
    declaration = assert_one_submission_delivered_once(mail_server, sms_provider, run_worker)
    assert first.json()["reference_code"] == declaration.reference_code


def test_the_send_button_posted_twice_at_once_makes_one_declaration(registered, citizen, mail_server,
                                                                    sms_provider, run_worker):
    client = Client()
    walker = Walker(client, citizen)
    walker.fill_declaration(until="office")
    assert walker.choose_office(registered.pk, email_declaration="on", email=citizen.email).status_code == 302
    twin = Client()
    twin.cookies = client.cookies

    first, second = at_once(walker.submit, lambda: Walker(twin, citizen).submit())
    third = walker.submit()

    assert [first.status_code, second.status_code] == [302, 302]
    assert first["Location"] == second["Location"]
    assert third.status_code == 302
    assert_one_submission_delivered_once(mail_server, sms_provider, run_worker)
