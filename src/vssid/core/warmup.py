"""Readying a web process before its first request (gunicorn's post_worker_init calls warm_up)."""
import gc

from django.urls import get_resolver


def warm_up() -> None:
    """Import every view now, and with them the image libraries, rather than during some citizen's
    first request; then take everything that exists out of the garbage collector's sight.

    What a process holds after start-up (modules, classes, templates: ~180,000 objects) lives as
    long as the process, yet each full collection walked all of it: one pause of 129 ms in the
    middle of a request in a run of 30 registrations (bench/registration_load.py's walk, in one
    process), 16 ms once frozen. Cycles made by requests are still collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 — imports the URLconf, hence every view
    gc.collect()
    gc.freeze()
