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

    def run_from_argv(self, argv):
        # Django's parser would refuse gunicorn's options (`-b`, `--workers`) as unknown to it:
        # everything after `web` is gunicorn's, except a plain request for help.
        arguments = argv[2:]
        if arguments in (["-h"], ["--help"]):
            return super().run_from_argv(argv)
        return self.handle(gunicorn_args=arguments)

    def handle(self, *args, gunicorn_args, **options):
        command = [sys.executable, "-m", "gunicorn", "--config", "python:vssid.gunicorn_conf",
                   *gunicorn_args, "vssid.wsgi:application"]
        os.execve(sys.executable, command, {**MALLOC_SETTINGS, **os.environ})


# glibc's allocator, read by the new process at its start (so set here, before the exec): at most
# two memory arenas instead of one per thread. Photo buffers freed by one thread otherwise stay in
# that thread's arena; 4 threads working through 72 photos grew a process by 120 MB by default and
# by 17 MB with two arenas, for the same CPU time. (A fixed mmap threshold kept it to 5 MB but cost
# a third more CPU in page faults: not worth it.) The environment still wins, to try other values.
MALLOC_SETTINGS = {"MALLOC_ARENA_MAX": "2"}
