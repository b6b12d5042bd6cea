"""Jobs whose worker died: found by their age, run again, given up after a few tries.

django-tasks-db marks a job RUNNING when a worker claims it and nothing ever looks at it again: a
worker killed mid-job (SIGKILL, out of memory, a machine lost) leaves it RUNNING for good, on any
machine. Workers leave no heartbeat, so a job is taken as abandoned once it has been RUNNING longer
than ``JOB_LEASE``, longer than any of our jobs may take. It is then queued again, which is safe
because every job of ours is idempotent (an outbox delivery first claims its row, see
notify/outbox.py). A job that has already lost ``MAX_WORKER_LOSSES`` workers is marked failed
instead: it is probably what kills them (a poison message); the outbox sweep, not this loop,
decides whether its message is tried again.

Run by ``vssid notify retry-pending`` (cron, every few minutes, on any number of machines). Each
change is one UPDATE that re-checks the job is still RUNNING since before the cut-off, so two
machines recovering at once never re-queue a job twice, and a job claimed again meanwhile is left
to its new worker.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

# Longer than the slowest job: an outbox delivery holds its row for notify.outbox.SEND_LEASE
# (10 minutes) at most, and its sockets time out long before that.
JOB_LEASE = timedelta(minutes=15)
MAX_WORKER_LOSSES = 3
# Recorded as the error class of a job given up this way.
WORKER_LOST = "vssid.core.workers.WorkerLost"


def recover_abandoned_jobs(*, now: datetime | None = None, lease: timedelta = JOB_LEASE) -> tuple[int, int]:
    """Re-queue the jobs RUNNING for longer than ``lease``; fail those whose workers died
    ``MAX_WORKER_LOSSES`` times. Returns (re-queued, failed)."""
    now = now or timezone.now()
    abandoned = DBTaskResult.objects.running().filter(started_at__lt=now - lease)
    # worker_ids lists every worker that claimed the job: one entry per loss, for a job still RUNNING.
    found = list(abandoned.values_list("pk", "worker_ids"))
    hopeless = [pk for pk, workers in found if len(workers or []) >= MAX_WORKER_LOSSES]
    failed = abandoned.filter(pk__in=hopeless).update(
        status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=WORKER_LOST,
        traceback=f"Its worker stopped {MAX_WORKER_LOSSES} times before the job finished.",
    )
    # run_after is kept: a job deferred to a time now past, or never deferred, is ready again.
    requeued = abandoned.filter(pk__in=[pk for pk, _w in found if pk not in hopeless]).update(
        status=TaskResultStatus.READY, started_at=None,
    )
    if requeued or failed:
        log.warning("abandoned jobs: %d re-queued, %d failed after %d lost workers", requeued, failed, MAX_WORKER_LOSSES)
    return requeued, failed
