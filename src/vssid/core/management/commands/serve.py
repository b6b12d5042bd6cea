"""`vssid serve`: everything a person needs to try the service on one machine.

Migrates the database (which also loads the reference data), starts a job worker beside the web
server, and prints the address to open. Emails land in var/outbox/email as readable files.
"""
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up the embedded database, start a job worker and serve the site (development)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="do not start the job worker")

    def handle(self, *args, host, port, no_worker, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        self.stdout.write("Database ready (reference data loaded).")
        # A small synthetic registry of insured people, and a few of them to try the flow with.
        call_command("registry", "demo", stdout=self.stdout)
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "vssid", "worker"])
            self.stdout.write("Job worker started.")
        shown_host = "localhost" if host in ("0.0.0.0", "::") else host
        self.stdout.write(self.style.SUCCESS(f"\n  Open http://{shown_host}:{port}/ in a browser.\n"))
        self.stdout.write(f"  Emails are written to {settings.EMAIL_FILE_PATH}\n")
        # A SIGTERM (a service manager, a test harness) ends the process without unwinding, which
        # would leave the worker running on its own: turn it into an exit that runs the finally.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=10)
