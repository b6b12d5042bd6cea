"""`vssid worker`: the job worker to run in production, on as many machines as needed.

It is django-tasks-db's `db_worker` (same options, --reload aside; same claiming with
``SELECT … FOR UPDATE SKIP LOCKED``, same graceful stop: SIGTERM or SIGINT lets the current job
finish, then it exits 0; a second signal abandons the job) with one difference: the stock worker
exits on any database error, so a PostgreSQL restart or fail-over would stop every worker on every
machine. This one waits and reconnects instead (docs/reliability.md). A job whose transaction the
outage broke stays RUNNING and is re-queued by ``core.workers.recover_abandoned_jobs``.
"""
from __future__ import annotations

import logging
import time

from django.core.management.base import CommandError
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from vssid.core import outages

log = logging.getLogger("vssid.worker")

# Between two attempts to reach the database again: short, so jobs resume soon after an outage.
RECONNECT_DELAY_SECONDS = 2.0


class OutageTolerantWorker(Worker):
    def run(self) -> None:
        while True:
            try:
                return super().run()
            except Exception as error:
                if not outages.database_unavailable(error):
                    raise
                if not self.running:  # asked to stop meanwhile; a job cut short is re-queued later
                    return
                # The class only: a driver's message may quote a query's parameters.
                log.warning("worker %s: database unavailable (%s); trying again in %.0f s",
                            self.worker_id, type(error).__name__, RECONNECT_DELAY_SECONDS)
                connections.close_all()
                # A stop signal during this pause ends the process at once (no job is running, see
                # Worker.shutdown). super().run() then starts with its random pause again, so the
                # workers of every machine do not all reconnect at the same instant.
                time.sleep(RECONNECT_DELAY_SECONDS)


class Command(DbWorkerCommand):
    help = "Run a job worker that survives database outages (production)."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, max_tasks,
               worker_id, exclude_queues, **options):  # --reload is ignored: a development aid
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = OutageTolerantWorker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
