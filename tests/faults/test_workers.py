"""The job worker as a process: stopped politely it finishes its job; killed, its job is run again
by another worker, and every message still reaches the citizen exactly once."""
import io
import signal
import threading
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.support.processes import wait_until
from vssid.core import workers
from vssid.notify.emails import _sender_domain
from vssid.notify.models import OutboundEmail, OutboundSms


def job_statuses() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("status", flat=True))


def after_the_leases():
    """Later than a dead worker's job lease and its message's send lease: when cron's sweep acts."""
    return time_machine.travel(timezone.now() + workers.JOB_LEASE + timedelta(minutes=1), tick=True)


def retry_pending() -> str:
    out = io.StringIO()
    call_command("notify", "retry-pending", stdout=out)
    return out.getvalue()


def recover_after_the_leases(run_worker) -> str:
    """What cron does once the leases are over: re-queue the abandoned jobs, then run them.
    Returns what the re-queuing printed."""
    with after_the_leases():
        printed = retry_pending()
        run_worker()
    return printed


def worker_held_at(gateway, worker_process, *, accept_first: bool):
    """A `vssid worker` subprocess whose next delivery ``gateway`` is holding (``accept_first``:
    the gateway took the message before holding it); returns (the hold, the worker)."""
    held = gateway.hold_next(accept_first=accept_first)
    worker = worker_process()
    wait_until(held.arrived.is_set, what=f"the worker's delivery at the {type(gateway).__name__}",
               explain=worker.output)
    return held, worker


def kill_worker_held_at(gateway, worker_process, *, accept_first: bool, accept_on_release: bool = True) -> None:
    """A `vssid worker` subprocess killed (SIGKILL) while ``gateway`` holds its delivery, which the
    gateway then lets go of: taken, unless ``accept_on_release`` is false."""
    held, worker = worker_held_at(gateway, worker_process, accept_first=accept_first)
    worker.signal(signal.SIGKILL)
    worker.wait()
    held.release(accept=accept_on_release)


def running_job(*, worker_ids: list[str], started_at=None, args=()) -> DBTaskResult:
    """An SMS delivery job as its workers left it: running, started a while ago unless told."""
    return DBTaskResult.objects.create(
        args_kwargs={"args": list(args), "kwargs": {}}, task_path="vssid.notify.tasks.deliver_sms",
        backend_name="default", run_after=timezone.now(), status="RUNNING", worker_ids=worker_ids,
        started_at=started_at or timezone.now() - workers.JOB_LEASE * 2,
    )


def test_sigterm_lets_the_worker_finish_the_message_it_is_sending_then_exit_0(
        submit, mail_server, sms_provider, worker_process):
    mail_server.start()
    sms_provider.start()
    declaration = submit(email=False)
    held, worker = worker_held_at(sms_provider, worker_process, accept_first=False)

    worker.signal(signal.SIGTERM)
    worker.wait_for_output("shutting down gracefully")
    held.release()

    assert worker.wait() == 0
    sms = OutboundSms.objects.get(object_id=declaration.pk)
    assert (sms.status, sms.attempts) == ("sent", 1)
    assert list(sms_provider.delivered) == [sms.provider_message_id]
    assert job_statuses() == ["SUCCESSFUL"]


def test_an_idle_worker_exits_0_at_once_on_sigterm_and_sigint(worker_process):
    for signum, worker_id in ((signal.SIGTERM, "idle-term"), (signal.SIGINT, "idle-int")):
        worker = worker_process(worker_id)
        worker.wait_for_output("Starting worker")

        worker.signal(signum)

        assert worker.wait() == 0, worker.output()


def test_a_worker_killed_mid_send_is_replaced_and_each_message_arrives_once(
        submit, mail_server, sms_provider, worker_process, run_worker):
    mail_server.start()
    sms_provider.start()
    declaration = submit()
    # The email's job runs first; the server has its data but has not taken the message yet.
    # Then the connection is gone: the server drops what it had.
    kill_worker_held_at(mail_server, worker_process, accept_first=False, accept_on_release=False)

    # django-tasks-db alone never touches the dead worker's job again.
    assert job_statuses() == ["READY", "RUNNING"]
    assert mail_server.messages == []
    assert "1 abandoned job(s) re-queued, 0 given up." in recover_after_the_leases(run_worker)

    email = OutboundEmail.objects.get(declaration_id=declaration.pk)
    sms = OutboundSms.objects.get(object_id=declaration.pk)
    assert (email.status, email.attempts, sms.status, sms.attempts) == ("sent", 2, "sent", 1)
    assert mail_server.message_ids() == [f"<{email.pk}@{_sender_domain()}>"]
    assert len(sms_provider.delivered) == 1
    assert "RUNNING" not in job_statuses()


def test_a_worker_killed_after_the_provider_took_the_sms_does_not_send_it_twice(
        submit, mail_server, sms_provider, worker_process, run_worker):
    """The window no protocol closes alone: the provider has the SMS, the worker died before it
    heard so. The retry carries the same Idempotency-Key (the outbox row's id), and the provider
    answers it with the first message's id instead of sending a second SMS."""
    sms_provider.start()
    declaration = submit(email=False)
    kill_worker_held_at(sms_provider, worker_process, accept_first=True)
    recover_after_the_leases(run_worker)

    sms = OutboundSms.objects.get(object_id=declaration.pk)
    assert (sms.status, sms.attempts) == ("sent", 2)
    assert [r.key for r in sms_provider.requests] == [str(sms.pk), str(sms.pk)]
    assert list(sms_provider.delivered) == [sms.provider_message_id]


def test_an_email_the_server_took_before_the_worker_died_comes_again_under_the_same_message_id(
        submit, mail_server, sms_provider, worker_process, run_worker):
    """SMTP has no idempotency key: in the same window the server delivers a second copy. It is the
    same message (one Message-ID), which mailbox providers fold into one and logs recognise; the
    outbox still ends with one row, sent."""
    mail_server.start()
    sms_provider.start()
    declaration = submit()
    kill_worker_held_at(mail_server, worker_process, accept_first=True)
    recover_after_the_leases(run_worker)

    email = OutboundEmail.objects.get(declaration_id=declaration.pk)
    assert (email.status, email.attempts) == ("sent", 2)
    assert mail_server.message_ids() == [f"<{email.pk}@{_sender_domain()}>"] * 2


def test_recovery_on_several_machines_at_once_re_queues_a_job_once(transactional_db):
    running_job(worker_ids=["dead"], args=["x"])
    results = []
    start = threading.Barrier(3)

    def recover():
        try:
            start.wait(timeout=30)
            results.append(workers.recover_abandoned_jobs())
        finally:
            connection.close()

    threads = [threading.Thread(target=recover) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == [(0, 0), (0, 0), (1, 0)]
    assert job_statuses() == ["READY"]


def test_a_job_that_keeps_killing_its_workers_is_given_up_not_retried_for_ever(db):
    job = running_job(worker_ids=["a", "b", "c"])
    recent = running_job(worker_ids=["d"], started_at=timezone.now())

    assert workers.recover_abandoned_jobs() == (0, 1)

    job.refresh_from_db()
    recent.refresh_from_db()
    assert (job.status, job.exception_class_path) == ("FAILED", workers.WORKER_LOST)
    assert recent.status == "RUNNING"  # its worker may well be alive: within the lease
    assert workers.recover_abandoned_jobs() == (0, 0)
