"""The email outbox: a ticked "Gửi email tờ khai" is delivered once, after commit, through retries."""
import io
import logging
import smtplib
import threading
from datetime import timedelta

import pypdf
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vssid.declarations import documents
from vssid.notify import services
from vssid.notify.models import OutboundEmail
from vssid.notify.services import queue_declaration_email, retry_delay
from vssid.notify.tasks import deliver_email

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECT = "Tờ khai đăng ký giao dịch điện tử – mã hồ sơ K7Q4-M2XA-9E"


def submit(declaration) -> OutboundEmail:
    """What submit_declaration does: queue inside the submission's transaction, then commit."""
    with transaction.atomic():
        return queue_declaration_email(declaration)


def delivery_jobs(**filters):
    return DBTaskResult.objects.filter(task_path="vssid.notify.tasks.deliver_email", **filters)


def let_time_pass(outbound: OutboundEmail) -> None:
    """Jump to the scheduled retry: make the email and its waiting job due now."""
    past = timezone.now() - timedelta(seconds=1)
    OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=past)
    delivery_jobs(status="READY").update(run_after=past)


def test_the_email_arrives_once_with_text_html_and_the_pdf(make_declaration, smtp_server, run_worker, person):
    outbound = submit(make_declaration())

    run_worker()

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.envelope_recipients == [[person["email"]]]
    assert message["To"] == person["email"]
    # .strip(): Django 5.2 folds a long encoded subject right after "Subject:" (Python's compat32
    # Header); clients trim that whitespace.
    assert message["Subject"].strip() == SUBJECT
    assert message["Message-ID"] == f"<{outbound.pk}@vssid.local>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Kính gửi Ông/Bà Lê Thị Hồng Nhung" in body
        assert "K7Q4-M2XA-9E" in body
        assert "Bảo hiểm xã hội cơ sở Bến Thành Thử" in body
        assert "Số 117 đường Nguyễn Đình Chiểu, Phường Bến Thành Thử, Thành phố Thử Nghiệm" in body
        assert "Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:00–17:00" in body
        assert "05/08/2025" in body
        assert "bản gốc giấy tờ tùy thân" in body
        assert "tin nhắn SMS" in body and "kết thúc bằng 321" in body
        assert "http://localhost:8000/xac-nhan/" in body
    assert "<img" not in html  # no photos, no remote images
    attachments = list(message.iter_attachments())
    assert [(a.get_filename(), a.get_content_type()) for a in attachments] == [
        ("to-khai-K7Q4-M2XA-9E.pdf", "application/pdf")
    ]
    pdf = attachments[0].get_content()
    assert pdf.startswith(b"%PDF-")
    assert "LÊ THỊ HỒNG NHUNG" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("sent", 1, "")
    assert outbound.sent_at is not None
    run_worker()
    assert len(smtp_server.messages) == 1


def test_a_server_that_is_down_delays_the_email_and_a_retry_delivers_it_once(make_declaration, start_smtp_server, run_worker):
    outbound = submit(make_declaration())

    before = timezone.now()
    run_worker()  # nothing listens on the SMTP port
    after = timezone.now()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("pending", 1, "ConnectionRefusedError")
    assert before + timedelta(minutes=1) <= outbound.next_attempt_at <= after + timedelta(minutes=1)
    waiting = list(delivery_jobs(status="READY"))
    assert [(job.run_after, job.args_kwargs) for job in waiting] == [
        (outbound.next_attempt_at, {"args": [str(outbound.pk)], "kwargs": {}})
    ]

    run_worker()  # the retry is not due yet
    outbound.refresh_from_db()
    assert outbound.attempts == 1

    server = start_smtp_server()
    let_time_pass(outbound)
    run_worker()

    assert len(server.messages) == 1
    assert server.messages[0]["Subject"].strip() == SUBJECT
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("sent", 2, "")
    run_worker()
    assert len(server.messages) == 1
    assert delivery_jobs(status="READY").count() == 0


def test_the_retry_delay_doubles_from_one_minute_up_to_one_hour():
    minutes = [retry_delay(attempt) / timedelta(minutes=1) for attempt in range(1, 10)]

    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert retry_delay(10_000) == timedelta(hours=1)


def test_after_48_hours_of_failures_the_email_is_marked_failed(make_declaration, smtp_settings, caplog, run_worker):
    outbound = submit(make_declaration())
    OutboundEmail.objects.filter(pk=outbound.pk).update(created_at=timezone.now() - timedelta(hours=47, minutes=59, seconds=30))

    with caplog.at_level(logging.ERROR, logger="vssid.notify"):
        run_worker()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.last_error) == ("failed", "ConnectionRefusedError")
    assert delivery_jobs(status="READY").count() == 0
    assert f"outbound email {outbound.pk} failed permanently after 1 attempts" in caplog.text


def test_a_recipient_the_server_refuses_for_good_fails_at_once(make_declaration, smtp_server, run_worker):
    smtp_server.refuse_recipients_with = "550 5.1.1 Mailbox unavailable"
    outbound = submit(make_declaration())

    run_worker()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.last_error) == ("failed", "SMTPRecipientsRefused 550")
    assert smtp_server.messages == []
    assert delivery_jobs(status="READY").count() == 0


def test_a_recipient_refused_for_now_is_retried(make_declaration, smtp_server, run_worker):
    smtp_server.refuse_recipients_with = "450 4.2.1 Mailbox busy, try later"
    outbound = submit(make_declaration())

    run_worker()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.last_error) == ("pending", "SMTPRecipientsRefused 450")
    assert delivery_jobs(status="READY").count() == 1
    smtp_server.refuse_recipients_with = None
    let_time_pass(outbound)
    run_worker()
    assert len(smtp_server.messages) == 1


def test_a_duplicate_job_for_a_sent_email_sends_nothing(make_declaration, smtp_server, run_worker):
    outbound = submit(make_declaration())
    run_worker()
    let_time_pass(outbound)  # long after: the sending lease is over, only "sent" protects it

    duplicate = deliver_email.enqueue(str(outbound.pk))
    run_worker()

    assert len(smtp_server.messages) == 1
    duplicate.refresh()
    assert duplicate.return_value == "skipped"
    outbound.refresh_from_db()
    assert outbound.attempts == 1


def test_a_duplicate_job_does_not_jump_a_scheduled_retry(make_declaration, start_smtp_server, run_worker):
    outbound = submit(make_declaration())
    run_worker()  # server down: retry scheduled a minute from now
    server = start_smtp_server()

    deliver_email.enqueue(str(outbound.pk))
    run_worker()

    assert server.messages == []
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("pending", 1)


def test_an_email_being_sent_by_one_worker_is_left_alone_by_another(make_declaration, smtp_server):
    outbound = submit(make_declaration())
    claimed = services._claim(outbound.pk)  # a worker has it (and may be mid-SMTP)
    assert claimed is not None

    assert services.deliver_outbound_email(outbound.pk) == "skipped"
    assert smtp_server.messages == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL's SKIP LOCKED")
def test_a_row_locked_by_another_transaction_is_skipped_not_waited_for(make_declaration, smtp_server):
    outbound = submit(make_declaration())
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                OutboundEmail.objects.select_for_update().get(pk=outbound.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        result = services.deliver_outbound_email(outbound.pk)
    finally:
        release.set()
        holder.join()

    assert result == "skipped"
    assert smtp_server.messages == []
    outbound.refresh_from_db()
    assert outbound.attempts == 0


@pytest.mark.parametrize("backend", ["django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"])
def test_a_rolled_back_submission_sends_nothing(make_declaration, smtp_server, run_worker, settings, backend):
    # With the immediate backend, enqueueing before commit would send at once: on_commit prevents it.
    settings.TASKS = {"default": {"BACKEND": backend}}
    declaration = make_declaration()

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_declaration_email(declaration)
        raise RuntimeError("the submission failed after queueing")
    if backend == "django_tasks_db.DatabaseBackend":
        run_worker()

    assert OutboundEmail.objects.count() == 0
    assert delivery_jobs().count() == 0
    assert smtp_server.messages == []


def test_the_submission_neither_talks_smtp_nor_renders_the_pdf(make_declaration, smtp_settings, monkeypatch):
    calls = []

    class ForbiddenSMTP:
        def __init__(self, *args, **kwargs):
            calls.append("smtp")
            raise AssertionError("SMTP during the submission")

    monkeypatch.setattr(smtplib, "SMTP", ForbiddenSMTP)
    monkeypatch.setattr(documents, "render_declaration_pdf", lambda declaration: calls.append("pdf"))
    declaration = make_declaration()

    outbound = submit(declaration)

    assert calls == []
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("pending", 0)
    assert delivery_jobs(status="READY").count() == 1


def test_queueing_twice_keeps_one_email_and_one_job(make_declaration):
    declaration = make_declaration()

    first = submit(declaration)
    second = submit(declaration)

    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert delivery_jobs().count() == 1


def test_queueing_refuses_a_declaration_that_did_not_ask_for_email(make_declaration):
    with pytest.raises(ValueError):
        submit(make_declaration(email_declaration=False))
    assert OutboundEmail.objects.count() == 0


def test_a_declaration_cancelled_before_sending_is_not_emailed(make_declaration, smtp_server, run_worker):
    declaration = make_declaration()
    outbound = submit(declaration)
    type(declaration).objects.filter(pk=declaration.pk).update(status="cancelled")

    run_worker()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.last_error) == ("failed", "DeclarationNotSubmitted cancelled")
    assert smtp_server.messages == []


def test_retry_pending_re_enqueues_an_email_whose_job_was_lost(make_declaration, smtp_server, test_office, run_worker):
    lost = submit(make_declaration())
    delivery_jobs().delete()  # the worker's queue lost it (or the process died before enqueueing)
    OutboundEmail.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=6))
    not_due = submit(make_declaration(reference_code="M2XA9010K$", email="other@example.vn"))
    delivery_jobs().delete()
    out = io.StringIO()

    call_command("notify", "retry-pending", stdout=out)
    run_worker()

    assert out.getvalue().strip() == "1 pending email(s) re-enqueued."
    assert [m["Subject"].strip() for m in smtp_server.messages] == [SUBJECT]
    lost.refresh_from_db()
    not_due.refresh_from_db()
    assert (lost.status, not_due.status) == ("sent", "pending")


def test_retry_pending_waits_for_the_lease_of_a_worker_that_died_mid_send(make_declaration, smtp_server, run_worker):
    outbound = submit(make_declaration())
    delivery_jobs().delete()
    services._claim(outbound.pk)  # claimed, then the worker died: no job, lease running

    assert services.enqueue_due_emails() == 0
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        next_attempt_at=timezone.now() - services.SWEEP_GRACE - timedelta(seconds=1)
    )
    assert services.enqueue_due_emails() == 1
    run_worker()

    assert len(smtp_server.messages) == 1
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("sent", 2)


def test_a_bug_while_building_the_email_is_retried_not_lost(make_declaration, smtp_server, monkeypatch, caplog, run_worker, person):
    def broken(declaration):
        raise ValueError(f"template broke on {declaration.full_name}")

    monkeypatch.setattr(documents, "render_declaration_pdf", broken)
    outbound = submit(make_declaration())

    with caplog.at_level(logging.INFO):
        run_worker()

    outbound.refresh_from_db()
    assert (outbound.status, outbound.last_error) == ("pending", "ValueError")
    assert delivery_jobs(status="READY").count() == 1
    assert "raised ValueError at:" in caplog.text and "in broken" in caplog.text
    assert person["full_name"] not in caplog.text


def test_with_the_immediate_backend_a_failure_never_reaches_the_submission(make_declaration, settings, start_smtp_server):
    # Development may run jobs in-process; the submission must still commit and return.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    down = submit(make_declaration())  # the server is down: no exception escapes

    down.refresh_from_db()
    assert (down.status, down.attempts) == ("pending", 1)
    server = start_smtp_server()
    up = submit(make_declaration(reference_code="M2XA9010K$"))
    up.refresh_from_db()
    assert up.status == "sent" and len(server.messages) == 1
    # The failed one is not retried in a loop; the sweep picks it up when due.
    let_time_pass(down)
    OutboundEmail.objects.filter(pk=down.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=6))
    assert services.enqueue_due_emails() == 1
    down.refresh_from_db()
    assert down.status == "sent" and len(server.messages) == 2


def test_html_escapes_what_the_citizen_typed_and_text_keeps_it(make_declaration, settings, mailoutbox, run_worker):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submit(make_declaration(full_name="Lê <b>Văn</b> & \"Tèo\""))

    run_worker()

    [message] = mailoutbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Lê &lt;b&gt;Văn&lt;/b&gt; &amp; &quot;Tèo&quot;" in html
    assert 'Kính gửi Ông/Bà Lê <b>Văn</b> & "Tèo",' in message.body


def test_no_personal_data_in_logs_jobs_or_errors(make_declaration, start_smtp_server, monkeypatch, caplog, run_worker, person):
    secrets = [*person.values(), person["full_name"].upper(), "0987 654 321", "0987654321"]
    caplog.set_level(logging.DEBUG)

    down = submit(make_declaration())
    run_worker()  # connection refused → retry
    server = start_smtp_server()
    server.refuse_recipients_with = "550 5.1.1 No such user here"
    refused = submit(make_declaration(reference_code="M2XA9010K$"))
    run_worker()  # 550 → failed
    server.refuse_recipients_with = None
    let_time_pass(down)
    run_worker()  # delivered
    def broken(declaration):  # a bug whose exception message carries personal data
        raise ValueError(f"cannot render {declaration.full_name} {declaration.email}")

    monkeypatch.setattr(documents, "render_declaration_pdf", broken)
    submit(make_declaration(reference_code="M2XA9025K$"))
    run_worker()  # a bug → retry

    assert OutboundEmail.objects.get(pk=down.pk).status == "sent"
    assert OutboundEmail.objects.get(pk=refused.pk).status == "failed"
    # aiosmtpd's own log ("mail.log") is the receiving server's, not ours.
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
    logged = "\n".join(r.getMessage() + (caplog.handler.formatter.formatException(r.exc_info) if r.exc_info else "") for r in ours)
    stored = [e.last_error for e in OutboundEmail.objects.all()]
    stored += [str(job.args_kwargs) + job.traceback + str(job.return_value) for job in DBTaskResult.objects.all()]
    assert "outbound email" in logged
    for secret in secrets:
        assert secret not in logged, secret
        assert not [s for s in stored if secret in s], secret


def test_the_migration_matches_the_model(settings):
    settings.MIGRATION_MODULES = {}  # pytest --nomigrations disables them; this test reads them
    out = io.StringIO()
    call_command("makemigrations", "notify", check=True, dry_run=True, stdout=out)
