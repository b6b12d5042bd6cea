"""/healthz says the process is alive; /readyz whether the database and the private storage answer."""
import json
import logging
import os
import subprocess
import sys

import pytest
from django.core.files.storage import storages

pytestmark = pytest.mark.django_db


def private_storage_at(settings, location):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "vssid.core.storage.PrivateFileSystemStorage", "OPTIONS": {"location": location}}}


def test_healthz_is_alive(client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_ready_when_database_and_storage_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}
    assert "no-cache" in response["Cache-Control"]
    # The probe cleans up after itself.
    assert storages["private"].listdir("readyz") == ([], [])


def test_a_storage_that_cannot_store_is_not_ready(client, settings, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the photo folder should be")  # fails for root as well
    private_storage_at(settings, blocker)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["storage"]}  # no internals
    assert "readiness check failed: storage (" in caplog.text
    assert str(blocker) not in response.content.decode()


def test_a_database_that_does_not_answer_is_not_ready(tmp_path):
    """A real process whose database is down (nothing listens on the port): the same settings,
    the same middleware, a real failed connection."""
    code = (
        "import json, django; django.setup(); from django.test import Client; "
        "r = Client().get('/readyz'); print(json.dumps([r.status_code, r.json()]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vssid.settings", "VSSID_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://postgres@127.0.0.1:9/vssid_nowhere", "LOG_FORMAT": "json",
           "LOG_LEVEL": "DEBUG"}  # probes' request lines are DEBUG
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [503, {"status": "unavailable", "failed": ["database"]}]
    logged = [json.loads(line) for line in result.stderr.splitlines()]
    assert any(line["message"] == "readiness check failed: database (OperationalError)" for line in logged)
    request_line = next(line for line in logged if line["logger"] == "vssid.request")
    assert (request_line["route"], request_line["status"]) == ("readyz", 503)
