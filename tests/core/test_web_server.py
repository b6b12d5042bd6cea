"""`vssid web` as production runs it: gunicorn with vssid.gunicorn_conf, static files collected
first, several worker processes whose metrics add up, and JSON log lines on standard error."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
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


def serve_on(listener: socket.socket, env: dict, log) -> subprocess.Popen:
    """`vssid web` started as systemd starts it from vssid-web.socket: the listening socket handed
    over as file descriptor 3, with LISTEN_FDS and LISTEN_PID (the shell's pid, which exec keeps)."""
    fd = listener.fileno()
    move = f"exec 3<&{fd} {fd}<&-; " if fd != 3 else ""
    handover = f'{move}LISTEN_FDS=1 LISTEN_PID=$$ exec "$@"'
    return subprocess.Popen(["bash", "-c", handover, "bash", sys.executable, "-m", "vssid", "web", "--workers", "1"],
                            env=env, pass_fds=[fd], stdout=log, stderr=log)


def test_a_restart_on_a_socket_held_for_it_refuses_no_request(tmp_path):
    """A release restarts the web service (the workers are forked from a master that loaded the old
    code) while vssid-web.socket keeps listening: requests made while no server runs wait in the
    socket's queue and are answered by the new one."""
    from django.db import connection

    env = {**os.environ, "DATABASE_URL": database_url_of(connection.settings_dict), "DEBUG": "0",
           "VSSID_VAR_DIR": str(tmp_path / "var"), "STATIC_ROOT": str(tmp_path / "static"),
           "GUNICORN_THREADS": "2", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "LOG_LEVEL": "WARNING"}
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log = (tmp_path / "web.log").open("w+")
    answers, stop = [], threading.Event()

    def citizen_after_citizen():
        while not stop.is_set():
            started = time.monotonic()
            try:
                status = get(f"{base}/healthz")[0]
            except OSError as error:
                status = type(error).__name__
            answers.append((started, time.monotonic(), status))

    first = serve_on(listener, env, log)
    second = None
    client = threading.Thread(target=citizen_after_citizen)
    output = ""
    try:
        assert get(f"{base}/healthz")[0] == 200  # waits in the queue until the first server is up
        client.start()
        time.sleep(0.5)
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=DEADLINE) == 0
        gone = time.monotonic()
        time.sleep(0.5)  # nobody serves the socket now
        second = serve_on(listener, env, log)
        assert get(f"{base}/healthz")[0] == 200
        time.sleep(0.5)
    finally:
        stop.set()
        if client.is_alive():
            client.join(DEADLINE)
        for server in (first, second):
            if server is not None and server.poll() is None:
                server.kill()
                server.wait(timeout=DEADLINE)
        listener.close()
        log.seek(0)
        output = log.read()
        log.close()
        print(output)  # shown by pytest when the test fails

    assert {status for _started, _ended, status in answers} == {200}, output
    during_the_gap = [a for a in answers if a[1] > gone and a[0] < gone + 0.5]
    assert during_the_gap, "no request was made while no server ran"
