"""`vssid serve` (the README's run command) starts a job worker beside the web server; stopping the
server with SIGTERM, as a service manager or a terminal does, stops the worker too."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def test_sigterm_stops_the_server_and_its_worker(tmp_path):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "VSSID_VAR_DIR": str(tmp_path / "var")}
    workers: list[int] = []
    server = subprocess.Popen([sys.executable, "-m", "vssid", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "vssid serve did not start"
                time.sleep(0.3)
        workers += [pid for pid in _children(server.pid) if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 1, "serve should run one job worker"

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        deadline = time.monotonic() + 30
        while _alive(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(workers[0]), "the job worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
        for pid in workers:  # never leave one behind, whatever failed
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
