"""Approval opens the account: username = mã số BHXH, a one-time password by SMS (generated when the
SMS is sent, never stored in clear), an email notice when there is an address."""
import logging

import pytest
from django.contrib.auth.hashers import check_password, is_password_usable
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tests.accounts.conftest import PERSON
from vssid.accounts import services
from vssid.accounts.models import CitizenAccount
from vssid.declarations.models import Declaration
from vssid.notify.models import OutboundEmail, OutboundSms

pytestmark = pytest.mark.django_db(transaction=True)


def test_activation_creates_the_account_with_no_usable_password_and_queues_the_sms(make_declaration):
    declaration = make_declaration()

    with transaction.atomic():
        activation = services.activate_account(declaration)

    account = CitizenAccount.objects.get()
    assert activation.account == account
    assert activation.credentials_sent_to == "0912 *** 678"
    assert (account.username, account.declaration_id) == (PERSON["social_insurance_number"], declaration.pk)
    assert account.must_change_password and not is_password_usable(account.password)
    [sms] = OutboundSms.objects.all()
    assert (sms.purpose, sms.to_number, sms.object_id, sms.status) == (
        "account_credentials", PERSON["mobile_phone"], account.pk, "pending")
    assert sms.body == ""  # composed at send time, with the password
    [email] = OutboundEmail.objects.all()
    assert (email.purpose, email.to_address, email.declaration_id) == (
        "account_activated", PERSON["email"], declaration.pk)
    assert DBTaskResult.objects.filter(task_path="vssid.notify.tasks.deliver_sms").count() == 1


def test_no_email_notice_without_an_address(make_declaration):
    with transaction.atomic():
        services.activate_account(make_declaration(email=""))

    assert OutboundEmail.objects.count() == 0
    assert OutboundSms.objects.count() == 1


def test_the_desk_may_call_it_after_marking_the_declaration_activated(make_declaration):
    declaration = make_declaration(status=Declaration.Status.ACTIVATED)

    with transaction.atomic():
        account = services.activate_account(declaration).account

    assert account.username == PERSON["social_insurance_number"]


@pytest.mark.parametrize("status", ["draft", "cancelled", "rejected", "expired"])
def test_only_a_submitted_or_approved_declaration_opens_an_account(make_declaration, status):
    declaration = make_declaration()
    Declaration.objects.filter(pk=declaration.pk).update(status=status)

    with pytest.raises(services.DeclarationNotActivatable), transaction.atomic():
        services.activate_account(declaration)

    assert CitizenAccount.objects.count() == 0
    assert OutboundSms.objects.count() == 0


def test_a_second_account_for_the_same_social_insurance_number_is_refused(activate, make_declaration):
    activate()
    again = make_declaration(reference_code="M2XA9010K$", id_document_number="001095099999")

    with pytest.raises(services.AccountAlreadyExists), transaction.atomic():
        services.activate_account(again)

    assert CitizenAccount.objects.count() == 1
    assert OutboundSms.objects.count() == 1


def test_a_second_account_for_the_same_id_document_is_refused(activate, make_declaration):
    activate()
    same_person = make_declaration(reference_code="M2XA9010K$", social_insurance_number="0199999999")

    with pytest.raises(services.AccountAlreadyExists):
        services.activate_account(same_person)

    assert CitizenAccount.objects.count() == 1


def test_a_refused_activation_leaves_the_callers_transaction_usable(activate, make_declaration):
    # The desk approves in one transaction; a refusal must not poison it (PostgreSQL aborts a
    # transaction after an IntegrityError unless it happened inside a savepoint).
    activate()
    again = make_declaration(reference_code="M2XA9010K$", id_document_number="001095099999")

    with transaction.atomic():
        with pytest.raises(services.AccountAlreadyExists):
            services.activate_account(again)
        Declaration.objects.filter(pk=again.pk).update(status=Declaration.Status.REJECTED)

    assert Declaration.objects.get(pk=again.pk).status == "rejected"


def test_a_rolled_back_approval_leaves_no_account_and_owes_nothing(make_declaration, run_worker, sms_provider):
    declaration = make_declaration()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.activate_account(declaration)
        raise RuntimeError("the approval failed after activation")
    run_worker()

    assert CitizenAccount.objects.count() == 0
    assert OutboundSms.objects.count() == OutboundEmail.objects.count() == 0
    assert sms_provider.received == []


def test_the_credentials_sms_carries_a_working_one_time_password(activate, run_worker, sms_provider, client):
    account = activate()

    run_worker()

    [sms] = sms_provider.delivered
    assert sms.payload["to"] == PERSON["mobile_phone"]
    assert sms.payload["sender"] == "BHXH"
    assert sms.text.startswith("BHXH: Tai khoan VssID cua ban da duoc kich hoat. Ten dang nhap: 0131579246. Mat khau: ")
    assert sms.text.isascii() and len(sms.text) <= 160
    password = sms.one_time_password()
    assert len(password) == 10 and set(password) <= set(services.ONE_TIME_PASSWORD_ALPHABET)
    row = OutboundSms.objects.get()
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 1, "prov-1")

    response = client.post("/tai-khoan/dang-nhap/", {"identifier": "0131579246", "password": password})

    assert response.status_code == 302 and response["Location"] == "/tai-khoan/doi-mat-khau/"
    account.refresh_from_db()
    assert account.last_login_at is not None
    assert client.get("/tai-khoan/").url == "/tai-khoan/doi-mat-khau/"  # forced until changed


def test_a_failed_attempt_gets_a_new_password_and_only_the_last_one_works(activate, run_worker, sms_provider):
    activate()
    sms_provider.respond_with(503)

    run_worker()  # the provider is down: the password it was given is now useless
    row = OutboundSms.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "SmsTemporaryError HTTP 503")
    OutboundSms.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    DBTaskResult.objects.filter(status="READY").update(run_after=row.created_at)
    run_worker()

    first, second = sms_provider.received
    assert first.headers["x-answered"] == "503" and second.headers["x-answered"] == "200"
    assert first.payload["reference"] != second.payload["reference"]  # different texts, different keys
    old, new = first.one_time_password(), second.one_time_password()
    assert old != new
    with pytest.raises(services.InvalidCredentials):
        services.log_in("0131579246", old, client="192.0.2.10")
    assert services.log_in("0131579246", new, client="192.0.2.10").username == "0131579246"


def test_a_late_retry_never_overwrites_a_password_the_citizen_chose(account_in_use, run_worker, sms_provider):
    from tests.accounts.conftest import NEW_PASSWORD

    run_worker()  # the credentials SMS job runs only now (the worker was down)

    assert sms_provider.received == []
    row = OutboundSms.objects.get()
    assert (row.status, row.last_error) == ("skipped", "AccountInUse")
    assert services.log_in("0131579246", NEW_PASSWORD, client="192.0.2.10") is not None


def test_the_email_notice_names_the_username_and_never_carries_the_password(activate, run_worker, sms_provider, smtp_server):
    activate()

    run_worker()

    [message] = smtp_server.messages
    assert message["To"] == PERSON["email"]
    assert message["Subject"].strip() == "Tài khoản giao dịch điện tử với cơ quan BHXH đã được kích hoạt"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    password = sms_provider.delivered[0].one_time_password()
    for body in (text, html):
        assert "Kính gửi Ông/Bà Phạm Văn Đức" in body
        assert "0131579246" in body
        assert "kết thúc bằng 678" in body
        assert "http://localhost:8000/tai-khoan/dang-nhap/" in body
        assert password not in body


def test_the_password_rests_nowhere_in_the_database_or_the_logs(activate, run_worker, sms_provider, caplog):
    caplog.set_level(logging.DEBUG)
    account = activate()
    sms_provider.respond_with(503)

    run_worker()
    row = OutboundSms.objects.get()
    OutboundSms.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    DBTaskResult.objects.filter(status="READY").update(run_after=row.created_at)
    run_worker()

    passwords = [sms.one_time_password() for sms in sms_provider.received]
    assert len(passwords) == 2
    account.refresh_from_db()
    assert check_password(passwords[1], account.password)
    stored = [str(value) for row in OutboundSms.objects.values() for value in row.values()]
    stored += [str(value) for row in OutboundEmail.objects.values() for value in row.values()]
    stored += [str(value) for row in CitizenAccount.objects.values() for value in row.values()]
    stored += [str(job.args_kwargs) + job.traceback + str(job.return_value) for job in DBTaskResult.objects.all()]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "outbound sms" in logged
    for secret in passwords + [PERSON["mobile_phone"], PERSON["full_name"], "0912345678"]:
        assert secret not in logged, secret
    for password in passwords:
        assert not [value for value in stored if password in value]
