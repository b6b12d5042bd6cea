"""`vssid web`: the production web server, gunicorn with vssid.gunicorn_conf (docs/deploy.md).

Any further arguments go to gunicorn as they are (e.g. `vssid web --workers 3`). The process
becomes gunicorn (exec), so a service manager's signals reach it directly.
"""
import argparse
import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with gunicorn (production); extra arguments are passed to gunicorn."
    requires_system_checks = []  # gunicorn's workers load the application and run them

    def add_arguments(self, parser):
        parser.add_argument("gunicorn_args", nargs=argparse.REMAINDER)

    def handle(self, *args, gunicorn_args, **options):
        command = [sys.executable, "-m", "gunicorn", "--config", "python:vssid.gunicorn_conf",
                   *gunicorn_args, "vssid.wsgi:application"]
        os.execv(sys.executable, command)
