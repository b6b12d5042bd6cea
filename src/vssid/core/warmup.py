"""Readying the web application before its first request.

gunicorn loads the application once in its master process and calls warm_up() there before it forks
the workers (vssid.gunicorn_conf: preload_app, when_ready), so each worker starts with all of this
done and shares the memory it took with the master and the other workers, page by page, for as long
as nobody writes to it.
"""
import gc
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import engines
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    """Import every view (and with them the image libraries), compile the project's templates and
    load both languages' catalogues now, rather than during some citizen's first request; then take
    everything that exists out of the garbage collector's sight.

    What a process holds after start-up (modules, classes, templates: ~180,000 objects) lives as
    long as the process, yet each full collection walked all of it: one pause of 129 ms in the
    middle of a request in a run of 30 registrations (bench/registration_load.py's walk, in one
    process), 16 ms once frozen. Frozen objects are also never touched by the collector, so after a
    fork their pages stay shared instead of being copied into every worker. Cycles made by requests
    are still collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 — imports the URLconf, hence every view
    compile_project_templates()
    for language, _name in settings.LANGUAGES:
        translation.trans_real.translation(language)
    # Nothing above needs the database; should anything ever open a connection here, it must not
    # be inherited by the forked workers (they would share one socket).
    connections.close_all()
    gc.collect()
    gc.freeze()


def compile_project_templates() -> int:
    """Compile every template of the project's own apps into the cached loader; return how many.

    A page then costs its first visitor no parsing (the cached loader keeps what it compiled), and
    the compiled templates are made once for all the workers instead of once in each."""
    engine = engines["django"].engine
    compiled = 0
    for app in apps.get_app_configs():
        if not app.name.startswith("vssid."):
            continue
        folder = Path(app.path) / "templates"
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt", ".js"}:
                engine.get_template(path.relative_to(folder).as_posix())
                compiled += 1
    return compiled
