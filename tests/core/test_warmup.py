"""A web process is readied before its first request: every view imported, start-up objects frozen."""
import json
import os
import subprocess
import sys

PROBE = """
import gc, json, sys
import django
django.setup()
before = {"frozen": gc.get_freeze_count(), "views": "vssid.declarations.views" in sys.modules, "cv2": "cv2" in sys.modules}
from vssid import gunicorn_conf
gunicorn_conf.post_worker_init(None)  # as gunicorn calls it, once the application is loaded
after = {"frozen": gc.get_freeze_count(), "views": "vssid.declarations.views" in sys.modules, "cv2": "cv2" in sys.modules}
print(json.dumps([before, after]))
"""


def test_gunicorn_workers_import_every_view_and_freeze_what_start_up_made(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vssid.settings", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr

    before, after = json.loads(run.stdout.splitlines()[-1])

    assert before == {"frozen": 0, "views": False, "cv2": False}
    assert after["views"] and after["cv2"]  # the photo libraries come with the views
    assert after["frozen"] > 100_000
