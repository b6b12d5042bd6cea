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
        os.execve(sys.executable, command, {**MALLOC_SETTINGS, **os.environ})


# glibc's allocator, read by the new process at its start (so set here, before the exec). A photo's
# buffers are megabytes: by default glibc soon raises the size above which it maps such a block
# apart and unmaps it when freed, after which freed photo buffers stay in the process, spread over
# one arena per thread. A fixed threshold and two arenas keep a web process near its size at rest:
# 4 threads working through 72 photos grew a process by 120 MB by default, by 5 MB with these
# (docs/benchmarks.md). The environment still wins, to try other values.
MALLOC_SETTINGS = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}
