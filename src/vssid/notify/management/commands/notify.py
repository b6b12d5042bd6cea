"""`vssid notify retry-pending`: re-enqueue pending emails and SMS whose delivery job was lost.

Run it every few minutes (cron, a systemd timer): a worker that died between attempts, or a
process that died between the commit and the enqueue, leaves a pending row without a job. It first
re-queues the jobs of workers that died mid-job (``core.workers``), which django-tasks-db would
leave RUNNING for ever.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand

from vssid.core import workers
from vssid.notify import services, sms_services


class Command(BaseCommand):
    help = "Email and SMS outbox maintenance."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        retry = actions.add_parser(
            "retry-pending", help="Re-queue jobs whose worker died; re-enqueue pending emails and SMS that are overdue.")
        retry.add_argument(
            "--grace", type=int, default=int(services.SWEEP_GRACE.total_seconds()), metavar="SECONDS",
            help="Only messages overdue by at least this long (default: %(default)s).",
        )

    def handle(self, *args, action, **options):
        if action == "retry-pending":
            grace = timedelta(seconds=options["grace"])
            requeued, failed = workers.recover_abandoned_jobs()
            emails = services.enqueue_due_emails(grace=grace)
            sms = sms_services.enqueue_due_sms(grace=grace)
            # One line per kind of work done, so a cron mail says what happened and nothing more.
            if requeued or failed:
                self.stdout.write(f"{requeued} abandoned job(s) re-queued, {failed} given up.")
            if emails:
                self.stdout.write(f"{emails} pending email(s) re-enqueued.")
            if sms:
                self.stdout.write(f"{sms} pending SMS re-enqueued.")
            if not (emails or sms or requeued or failed):
                self.stdout.write("Nothing to re-enqueue.")
