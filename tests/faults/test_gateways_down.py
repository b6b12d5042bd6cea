"""The mail server or the SMS provider down for a while: submissions go on, nothing is lost, and
once the gateway is back every message arrives exactly once. Time is moved on by time-machine, so
the outbox's real back-off (1, 2, 4 … minutes) is what the worker follows."""
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from vssid.notify.emails import _sender_domain
from vssid.notify.models import OutboundEmail, OutboundSms


@pytest.fixture
def clock(transactional_db):
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        yield traveller


def statuses(model) -> list[tuple[str, int, str]]:
    return sorted(model.objects.values_list("status", "attempts", "last_error"))


def test_mail_server_down_for_a_while_then_every_email_arrives_once(clock, submit, mail_server, sms_provider,
                                                                   run_worker):
    sms_provider.start()
    declarations = [submit() for _ in range(3)]

    run_worker()  # refused: the server is not there
    assert statuses(OutboundEmail) == [("pending", 1, "ConnectionRefusedError")] * 3
    clock.shift(timedelta(seconds=90))
    run_worker()  # the retry, a minute later: still down
    assert statuses(OutboundEmail) == [("pending", 2, "ConnectionRefusedError")] * 3

    mail_server.start()
    clock.shift(timedelta(minutes=1))
    run_worker()
    assert [s for s, _a, _e in statuses(OutboundEmail)] == ["pending"] * 3  # the next retry is 2 minutes on
    clock.shift(timedelta(minutes=2))
    run_worker()

    assert statuses(OutboundEmail) == [("sent", 3, "")] * 3
    expected = sorted(f"<{e.pk}@{_sender_domain()}>" for e in OutboundEmail.objects.all())
    assert sorted(mail_server.message_ids()) == expected
    assert {m["To"] for m in mail_server.messages} == {d.email for d in declarations}
    assert len(sms_provider.delivered) == 3  # the SMS did not wait for the mail server
    _nothing_more_goes_out_later(clock, run_worker)
    assert len(mail_server.messages) == 3


def test_sms_provider_failing_then_unreachable_then_back_sends_every_sms_once(clock, submit, mail_server,
                                                                              sms_provider, run_worker):
    mail_server.start()
    sms_provider.failing_with = 503
    sms_provider.start()
    declarations = [submit() for _ in range(3)]

    run_worker()
    assert statuses(OutboundSms) == [("pending", 1, "SmsTemporaryError HTTP 503")] * 3
    sms_provider.stop()
    clock.shift(timedelta(seconds=90))
    run_worker()
    assert statuses(OutboundSms) == [("pending", 2, "SmsTemporaryError URLError ConnectionRefusedError")] * 3

    sms_provider.failing_with = None
    sms_provider.start()
    clock.shift(timedelta(minutes=3))
    run_worker()

    assert statuses(OutboundSms) == [("sent", 3, "")] * 3
    assert sorted(p["to"] for p in sms_provider.delivered.values()) == sorted(d.mobile_phone for d in declarations)
    assert sorted(OutboundSms.objects.values_list("provider_message_id", flat=True)) == sorted(sms_provider.delivered)
    assert len(mail_server.messages) == 3
    _nothing_more_goes_out_later(clock, run_worker)
    assert len(sms_provider.delivered) == 3
    assert len(sms_provider.requests) == 6  # three answered 503, three sent; refused connections never arrived


def _nothing_more_goes_out_later(clock, run_worker):
    """An hour on, cron's sweep and the worker find nothing owed."""
    clock.shift(timedelta(hours=1))
    out = io.StringIO()
    call_command("notify", "retry-pending", stdout=out)
    assert out.getvalue().strip() == "Nothing to re-enqueue."
    run_worker()
