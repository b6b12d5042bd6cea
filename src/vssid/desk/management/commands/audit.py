"""`vssid audit export`: the audit log of a period, for inspectors, as CSV or JSON Lines.

Dates without a time are whole days in Vietnam's time zone; --until is exclusive, so
``--since 2025-07-01 --until 2025-08-01`` is the month of July.
"""
import sys
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vssid.declarations.deadlines import VIETNAM
from vssid.desk import audit


def moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date or date-time: {text!r} (use 2025-07-01 or 2025-07-01T08:00)") from None
    if len(text) == 10:
        value = datetime.combine(value.date(), time.min)
    return value if timezone.is_aware(value) else value.replace(tzinfo=VIETNAM)


class Command(BaseCommand):
    help = "Export audit events of the office desk."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser("export", help="Write events between two moments to standard output or a file.")
        export.add_argument("--since", type=moment, help="first moment included (date or ISO date-time)")
        export.add_argument("--until", type=moment, help="first moment excluded")
        export.add_argument("--format", choices=sorted(audit.WRITERS), default="csv")
        export.add_argument("--output", "-o", help="a file to write (default: standard output)")

    def handle(self, *args, action, since=None, until=None, format="csv", output=None, **options):
        if since and until and since >= until:
            raise CommandError("--since must be before --until.")
        events = audit.events_between(since, until)
        writer = audit.WRITERS[format]
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = writer(events, out)
        else:
            count = writer(events, self.stdout)
        print(f"{count} event(s) exported.", file=sys.stderr)
