"""`vssid notify retry-pending`: re-enqueue pending emails whose delivery job was lost.

Run it every few minutes (cron, a systemd timer): a worker that died between attempts, or a
process that died between the commit and the enqueue, leaves a pending row without a job.
"""
from datetime import timedelta

from django.core.management.base import BaseCommand

from vssid.notify import services


class Command(BaseCommand):
    help = "Email outbox maintenance."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        retry = actions.add_parser("retry-pending", help="Re-enqueue pending emails that are overdue.")
        retry.add_argument(
            "--grace", type=int, default=int(services.SWEEP_GRACE.total_seconds()), metavar="SECONDS",
            help="Only emails overdue by at least this long (default: %(default)s).",
        )

    def handle(self, *args, action, **options):
        if action == "retry-pending":
            count = services.enqueue_due_emails(grace=timedelta(seconds=options["grace"]))
            self.stdout.write(f"{count} pending email(s) re-enqueued.")
