"""`vssid desk run-scheduled`: the desk's scheduled work, once (expiry, reminders, photo purge,
abandoned drafts, orphan files).

Run it from cron every few minutes; several machines may run it at the same time (see desk/jobs.py).
"""
from django.core.management.base import BaseCommand

from vssid.desk import jobs


class Command(BaseCommand):
    help = "Scheduled work of the office desk."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser("run-scheduled", help="Expire overdue declarations, send reminders, purge old photos and abandoned drafts.")

    def handle(self, *args, action, **options):
        run = jobs.run_scheduled()
        self.stdout.write(f"{run.expired} declaration(s) expired, {run.reminded} reminder(s) queued, "
                          f"photos of {run.purged} declaration(s) purged, {run.drafts_discarded} abandoned "
                          f"draft(s) discarded, {run.orphan_files_deleted} orphan file(s) deleted.")
