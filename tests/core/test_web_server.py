"""`vssid web` as production runs it: gunicorn with vssid.gunicorn_conf, static files collected
first, several worker processes whose metrics add up, and JSON log lines on standard error."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.processes import database_url_of

pytestmark = pytest.mark.django_db

DEADLINE = 60  # seconds: a slow CI machine, never a normal wait


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=DEADLINE) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def web(tmp_path):
    """A running `vssid web` on the test database; yields (base URL, process)."""
    from django.db import connection

    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": database_url_of(connection.settings_dict), "DEBUG": "0",
        "VSSID_VAR_DIR": str(tmp_path / "var"), "STATIC_ROOT": str(tmp_path / "static"),
        "LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "HOST": "127.0.0.1", "PORT": str(port),
        "GUNICORN_THREADS": "2",
        # Workers are replaced every few requests, so the counts must add up across processes,
        # the ones that have exited included.
        "GUNICORN_MAX_REQUESTS": "4", "GUNICORN_MAX_REQUESTS_JITTER": "0",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    env.pop("VSSID_METRICS_TOKEN", None)
    collected = subprocess.run([sys.executable, "-m", "vssid", "collectstatic", "--noinput", "-v", "0"],
                               env=env, capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stderr
    log = (tmp_path / "web.log").open("w+")
    # gunicorn's own options pass through `vssid web` as they are.
    process = subprocess.Popen([sys.executable, "-m", "vssid", "web", "--workers", "2"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            if get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            process.kill()
            raise AssertionError(f"vssid web did not start:\n{log.read()}")
        time.sleep(0.1)
    try:
        yield base, process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=DEADLINE)
        log.close()


def samples_of(body: bytes) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def test_gunicorn_serves_pages_static_files_probes_and_metrics_of_every_process(web, tmp_path):
    base, process, log = web
    for _ in range(11):  # 1 more from the start-up wait: 12 in all, across at least 3 processes
        assert get(f"{base}/healthz")[0] == 200
    status, headers, _body = get(f"{base}/", **{"X-Request-ID": "3f2c1a9b8d7e6f5a4b3c2d1e0f9a8b7c"})
    assert status == 200 and headers["X-Request-ID"] == "3f2c1a9b8d7e6f5a4b3c2d1e0f9a8b7c"
    status, headers, _body = get(f"{base}/static/css/app.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    status, _headers, body = get(f"{base}/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ready"})

    status, headers, body = get(f"{base}/metrics")
    assert status == 200
    samples = samples_of(body)
    healthz = ("vssid_http_requests_total", (("method", "GET"), ("route", "healthz"), ("status", "200")))
    assert samples[healthz] == 12
    assert samples[("vssid_http_requests_total", (("method", "GET"), ("route", "static"), ("status", "200")))] == 1
    assert samples[("vssid_http_request_duration_seconds_count", (("route", "declarations:start"),))] == 1
    assert ("vssid_declarations", (("status", "draft"),)) not in samples  # nothing committed: no rows, no series

    # The allocator's settings reach gunicorn (the process `vssid web` became) and its workers.
    with open(f"/proc/{process.pid}/environ", "rb") as variables:
        environment = dict(item.split(b"=", 1) for item in variables.read().split(b"\0") if b"=" in item)
    assert environment[b"MALLOC_ARENA_MAX"] == b"2"

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=DEADLINE) == 0
    log.seek(0)
    lines = [json.loads(line) for line in log.read().splitlines() if line.strip()]
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    start_page = [line for line in lines if line.get("route") == "declarations:start"]
    assert len(start_page) == 1
    assert {"level": "INFO", "logger": "vssid.request", "message": "request", "method": "GET", "status": 200,
            "request_id": "3f2c1a9b8d7e6f5a4b3c2d1e0f9a8b7c"}.items() <= start_page[0].items()
    assert isinstance(start_page[0]["duration_ms"], float)
    assert not any("/healthz" in json.dumps(line) for line in lines)  # no paths, no access log
