"""A forgotten password is reset with a 6-digit code sent by SMS or email: generated at send time,
stored hashed, valid 10 minutes, 5 tries; the same answer whether or not the account exists."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.accounts.conftest import PERSON, page_without_tokens
from vssid.accounts import services
from vssid.accounts.models import PasswordReset
from vssid.notify.models import OutboundEmail, OutboundSms

FORGOT = "/tai-khoan/quen-mat-khau/"
RESET = "/tai-khoan/dat-lai-mat-khau/"
CHOSEN = "Mat-khau-lay-lai-2026"


def sent_code(reset) -> str:
    """The code as the send-time step issues it (what the SMS or email would carry)."""
    return services.issue_reset_code(reset.pk)


@pytest.mark.django_db(transaction=True)
def test_reset_by_sms_through_the_pages(account_in_use, client, run_worker, sms_provider):
    response = client.post(FORGOT, {"identifier": "0131 579 246", "channel": "sms"})
    assert response["Location"] == RESET
    run_worker()

    [sms] = sms_provider.delivered
    assert sms.payload["to"] == PERSON["mobile_phone"]
    assert re.fullmatch(r"BHXH: Ma dat lai mat khau VssID la \d{6}, co hieu luc 10 phut\. "
                        r"Khong dua ma nay cho bat ky ai, ke ca can bo BHXH\.", sms.text)
    page = client.get(RESET).content.decode()
    assert 'value="0131 579 246"' in page  # carried over, not typed twice
    assert "mã xác nhận gồm 6 chữ số đã được gửi bằng tin nhắn" in page

    done = client.post(RESET, {"identifier": "0131 579 246", "code": sms.code(), "new_password": CHOSEN,
                               "new_password_again": CHOSEN})

    assert done["Location"] == "/tai-khoan/dang-nhap/"
    assert services.log_in("0131579246", CHOSEN, client="192.0.2.40") == account_in_use
    row = OutboundSms.objects.get(purpose="password_reset_code")
    assert row.body == "" and sms.code() not in str(list(OutboundSms.objects.values()))


@pytest.mark.django_db(transaction=True)
def test_reset_by_email_through_a_real_smtp_server(account_in_use, run_worker, smtp_server):
    services.start_password_reset("001095012345", "email", client="192.0.2.40")
    run_worker()

    [message] = [m for m in smtp_server.messages if m["Subject"].strip() == "Mã đặt lại mật khẩu VssID"]
    assert message["To"] == PERSON["email"]
    text = message.get_body(("plain",)).get_content()
    code = re.search(r"là:\s+(\d{6})\s", text).group(1)
    assert code in message.get_body(("html",)).get_content()
    assert "Mã có hiệu lực 10 phút" in text
    reset = PasswordReset.objects.get()
    assert message["Message-ID"] == f"<{OutboundEmail.objects.get(reference_id=reset.pk).pk}.1@vssid.local>"
    assert reset.code_hash and code not in reset.code_hash

    services.finish_password_reset("001095012345", code, CHOSEN)

    assert services.log_in("0131579246", CHOSEN, client="192.0.2.40") == account_in_use


@pytest.mark.django_db(transaction=True)
def test_a_retried_email_carries_a_fresh_code_under_a_new_message_id(account_in_use, run_worker, smtp_server, settings):
    services.start_password_reset("0131579246", "email")
    server_port, settings.EMAIL_PORT = settings.EMAIL_PORT, 9  # the discard port: nothing listens there
    run_worker()
    row = OutboundEmail.objects.get(purpose="password_reset_code")
    assert (row.status, row.attempts) == ("pending", 1)
    first_hash = PasswordReset.objects.get().code_hash

    settings.EMAIL_PORT = server_port
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    DBTaskResult.objects.filter(status="READY").update(run_after=row.created_at)
    run_worker()

    [message] = smtp_server.messages
    assert message["Message-ID"] == f"<{row.pk}.2@vssid.local>"
    assert PasswordReset.objects.get().code_hash != first_hash


@pytest.mark.django_db(transaction=True)  # the worker runs the queued job
def test_the_same_answer_whether_or_not_the_account_exists(account_in_use, client, run_worker):
    known = client.post(FORGOT, {"identifier": "0131579246", "channel": "sms"}, follow=True)
    client.session.flush()
    unknown = client.post(FORGOT, {"identifier": "0999999999", "channel": "sms"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(RESET, 302)]
    assert page_without_tokens(known, "0131579246") == page_without_tokens(unknown, "0999999999")
    run_worker()  # the request itself only queues a job, known or not (docs/security.md)
    assert PasswordReset.objects.count() == 1
    assert OutboundSms.objects.filter(purpose="password_reset_code").count() == 1


@pytest.mark.django_db(transaction=True)  # the worker runs the queued job
def test_email_asked_for_an_account_without_email_sends_nothing_and_says_the_same(with_one_time_password, client,
                                                                                  run_worker):
    with_one_time_password(email="")

    response = client.post(FORGOT, {"identifier": "0131579246", "channel": "email"}, follow=True)
    run_worker()

    assert "nếu thông tin bạn nhập đúng với một tài khoản có email" in response.content.decode().lower()
    assert PasswordReset.objects.count() == 0 and OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_the_code_expires_after_ten_minutes(account_in_use):
    now = timezone.now()
    services.start_password_reset("0131579246", "sms", now=now)
    code = services.issue_reset_code(PasswordReset.objects.get().pk, now=now)

    with pytest.raises(services.InvalidResetCode):
        services.finish_password_reset("0131579246", code, CHOSEN, now=now + timedelta(minutes=10))
    assert services.finish_password_reset(
        "0131579246", services.issue_reset_code(PasswordReset.objects.get().pk, now=now + timedelta(minutes=11)),
        CHOSEN, now=now + timedelta(minutes=20),
    ) == account_in_use


@pytest.mark.django_db
def test_five_wrong_codes_use_the_request_up(account_in_use):
    services.start_password_reset("0131579246", "sms")
    reset = PasswordReset.objects.get()
    code = sent_code(reset)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(services.InvalidResetCode):
            services.finish_password_reset("0131579246", wrong, CHOSEN)

    with pytest.raises(services.InvalidResetCode):
        services.finish_password_reset("0131579246", code, CHOSEN)
    reset.refresh_from_db()
    assert reset.failed_attempts == 5 and reset.used_at is None
    with pytest.raises(services.NoLongerNeeded):
        services.issue_reset_code(reset.pk)  # a retried send does not hand out fresh tries


@pytest.mark.django_db
def test_a_code_works_once(account_in_use):
    services.start_password_reset("0131579246", "sms")
    code = sent_code(PasswordReset.objects.get())
    services.finish_password_reset("0131579246", code, CHOSEN)

    with pytest.raises(services.InvalidResetCode):
        services.finish_password_reset("0131579246", code, "Lan-thu-hai-2026")


@pytest.mark.django_db
def test_a_newer_request_supersedes_the_older_code(account_in_use):
    services.start_password_reset("0131579246", "sms")
    old_code = sent_code(PasswordReset.objects.get())
    services.start_password_reset("0131579246", "email")
    newer = PasswordReset.objects.latest("created_at")
    new_code = sent_code(newer)

    if old_code != new_code:  # one chance in a million that they coincide
        with pytest.raises(services.InvalidResetCode):
            services.finish_password_reset("0131579246", old_code, CHOSEN)
    services.finish_password_reset("0131579246", new_code, CHOSEN)
    assert PasswordReset.objects.exclude(pk=newer.pk).get().superseded_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_superseded_request_sends_nothing(account_in_use, run_worker, sms_provider):
    services.start_password_reset("0131579246", "sms")
    services.start_password_reset("0131579246", "sms")

    run_worker()

    assert len(sms_provider.delivered) == 1
    assert sorted(OutboundSms.objects.filter(purpose="password_reset_code").values_list("status", "last_error")) == [
        ("sent", ""), ("skipped", "ResetNoLongerActive")]


@pytest.mark.django_db
def test_a_refused_new_password_does_not_use_the_code_up(account_in_use):
    services.start_password_reset("0131579246", "sms")
    code = sent_code(PasswordReset.objects.get())

    with pytest.raises(Exception) as refused:
        services.finish_password_reset("0131579246", code, "12345678")
    assert "Mật khẩu này quá phổ biến và dễ bị đoán. Hãy chọn mật khẩu khác" in refused.value.messages

    assert services.finish_password_reset("0131579246", code, CHOSEN) == account_in_use


@pytest.mark.django_db
def test_a_reset_lifts_the_lock(account_in_use):
    for _ in range(5):
        with pytest.raises((services.InvalidCredentials, services.AccountLocked)):
            services.log_in("0131579246", "sai-mat-khau-1", client="192.0.2.41")
    services.start_password_reset("0131579246", "sms")

    services.finish_password_reset("0131579246", sent_code(PasswordReset.objects.get()), CHOSEN)

    assert services.log_in("0131579246", CHOSEN, client="192.0.2.41") == account_in_use


@pytest.mark.django_db
def test_the_reset_page_says_one_thing_for_every_wrong_code(account_in_use, client):
    data = {"identifier": "0131579246", "code": "000000", "new_password": CHOSEN, "new_password_again": CHOSEN}
    no_request = client.post(RESET, data)
    unknown = client.post(RESET, {**data, "identifier": "0999999999"})

    for response in (no_request, unknown):
        text = response.content.decode()
        assert "Mã xác nhận không đúng hoặc đã hết hạn. Kiểm tra lại mã, hoặc yêu cầu mã mới" in text
        assert 'href="#id_code"' in text
    assert page_without_tokens(no_request, "0131579246") == page_without_tokens(unknown, "0999999999")


@pytest.mark.django_db(transaction=True)  # the worker runs the queued job
def test_requests_are_limited_per_identifier_whoever_asks(account_in_use, client, settings, run_worker):
    settings.VSSID_RESET_RATE_PER_IDENTIFIER = "2/h"
    for address in ("198.51.100.1", "198.51.100.2"):
        client.post(FORGOT, {"identifier": "0131579246", "channel": "sms"}, REMOTE_ADDR=address)

    limited = client.post(FORGOT, {"identifier": "0131579246", "channel": "sms"}, REMOTE_ADDR="198.51.100.3")
    unknown = [client.post(FORGOT, {"identifier": "0999999999", "channel": "sms"}, REMOTE_ADDR="198.51.100.4")
               for _ in range(3)]

    assert limited.status_code == 429 and unknown[-1].status_code == 429  # unknown ones too: no tell
    run_worker()
    assert PasswordReset.objects.count() == 2


@pytest.mark.django_db
def test_an_account_gets_at_most_three_codes_an_hour_silently(account_in_use, settings):
    settings.VSSID_RESET_RATE_PER_IDENTIFIER = "100/h"
    now = timezone.now()
    for minute in range(5):
        services.start_password_reset("0131579246", "sms", now=now + timedelta(minutes=minute))

    assert PasswordReset.objects.count() == 3
    services.start_password_reset("0131579246", "sms", now=now + timedelta(minutes=61))
    assert PasswordReset.objects.count() == 4


@pytest.mark.django_db
def test_a_stale_request_is_not_sent_late(account_in_use):
    now = timezone.now()
    services.start_password_reset("0131579246", "sms", now=now)

    with pytest.raises(services.NoLongerNeeded):
        services.issue_reset_code(PasswordReset.objects.get().pk, now=now + timedelta(minutes=31))


@pytest.mark.django_db
def test_forgot_page_errors_say_what_to_do(client):
    response = client.post(FORGOT, {"identifier": "", "channel": "fax"})

    text = response.content.decode()
    assert "Nhập mã số BHXH hoặc số CCCD" in text and "Chọn cách nhận mã xác nhận" in text
    assert 'href="#id_channel_0"' in text


@pytest.mark.django_db
def test_code_attempts_are_limited_per_client(account_in_use, client, settings):
    settings.VSSID_RESET_CODE_RATE_PER_CLIENT = "2/h"
    data = {"identifier": "0131579246", "code": "000000", "new_password": CHOSEN, "new_password_again": CHOSEN}

    answers = [client.post(RESET, data, REMOTE_ADDR="198.51.100.7").status_code for _ in range(3)]
    elsewhere = client.post(RESET, data, REMOTE_ADDR="198.51.100.8").status_code

    assert answers == [200, 200, 429] and elsewhere == 200
