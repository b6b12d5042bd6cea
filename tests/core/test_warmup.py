"""The web application is readied once, in gunicorn's master, before the workers are forked from it:
every view imported, the templates compiled, the catalogues loaded, start-up objects frozen, and no
connection left open for the workers to inherit."""
import json
import os
import subprocess
import sys

# The configuration is imported in a subprocess only: importing it sets PROMETHEUS_MULTIPROC_DIR for
# the whole process, which would turn this test run's metrics into multiprocess ones.
PROBE = """
import gc, json, sys
import django
django.setup()
from django.db import connections
from django.template import engines
from django.utils.translation import trans_real

def state():
    loader = engines["django"].engine.template_loaders[0]
    return {"frozen": gc.get_freeze_count(), "views": "vssid.declarations.views" in sys.modules,
            "cv2": "cv2" in sys.modules, "templates": len(getattr(loader, "get_template_cache", {})),
            "catalogues": sorted(trans_real._translations),
            "connections": [alias for alias in connections if connections[alias].connection is not None]}

before = state()
from vssid import gunicorn_conf
gunicorn_conf.when_ready(None)  # as gunicorn calls it in the master, once the application is loaded
after = {**state(), "preload": gunicorn_conf.preload_app, "worker_hook": hasattr(gunicorn_conf, "post_worker_init")}
print(json.dumps([before, after]))
"""


def test_warming_up_imports_every_view_compiles_the_templates_and_freezes_what_start_up_made(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vssid.settings", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr

    before, after = json.loads(run.stdout.splitlines()[-1])

    assert before["frozen"] == 0 and not before["views"] and not before["cv2"] and before["templates"] == 0
    assert after["preload"] and not after["worker_hook"]  # loaded once in the master; the workers inherit it
    assert after["views"] and after["cv2"]  # the photo libraries come with the views
    assert after["frozen"] > 100_000
    assert after["templates"] >= 60  # every template of the project's apps
    assert {"vi", "en"} <= set(after["catalogues"])
    assert after["connections"] == []  # nothing for the forked workers to share
