"""Our own processes, started as an operator starts them, for fault tests: `vssid worker`,
a web server, and a private PostgreSQL server that a test may restart without disturbing anyone.

Nothing here sleeps to wait: ``wait_until`` polls a condition against a deadline and fails loudly,
with the process's output, when the deadline passes.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEADLINE = 60  # seconds: a slow CI machine, never a normal wait


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], *, what: str, timeout: float = DEADLINE,
               explain: Callable[[], str] = lambda: "") -> object:
    """Poll ``condition`` until it returns something true; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{explain()}")
        time.sleep(0.05)


def database_url_of(settings_dict: dict) -> str:
    """The URL of a Django database (the test database, once pytest-django created it)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"  # a file (settings.py): other processes open it too
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def service_env(var_dir: Path, database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of one of our processes: settings come from the environment only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update({
        "DATABASE_URL": database_url, "VSSID_VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "vssid.settings", "VSSID_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    })
    env.update(overrides)
    return env


class Process:
    """A subprocess whose output goes to a file the test can read while it runs."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.popen = subprocess.Popen(args, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = DEADLINE) -> None:
        def seen():
            if self.popen.poll() is not None and text not in self.output():
                raise AssertionError(f"the process ended before printing {text!r}:\n{self.output()[-3000:]}")
            return text in self.output()

        wait_until(seen, what=f"{text!r} in the output", timeout=timeout, explain=lambda: self.output()[-3000:])

    def signal(self, signum: int) -> None:
        self.popen.send_signal(signum)

    def wait(self, timeout: float = DEADLINE) -> int:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the process did not end:\n{self.output()[-3000:]}") from None

    def stop(self) -> None:
        """Teardown: whatever state the test left it in."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=DEADLINE)
        self._log.close()


def start_worker(env: dict[str, str], log_path: Path, worker_id: str) -> Process:
    """`vssid worker` as production runs it, polling every 0.1 s."""
    return Process(
        [sys.executable, "-m", "vssid", "worker", "--no-startup-delay",
         "--interval", "0.1", "--worker-id", worker_id],
        env, log_path,
    )


class PrivatePostgres:
    """A PostgreSQL server of our own (Debian's binaries, run as the postgres user, in a directory
    of its own under /tmp, on a free port), so that a test may restart it: the shared server must
    not be. Its directory is not under pytest's tmp_path, which the postgres user may not enter."""

    def __init__(self):
        self.bin = _postgres_bin()
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="vssid-postgres-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=DEADLINE)
        if result.returncode != 0:
            raise AssertionError(f"{args[0]} failed:\n{result.stdout}\n{result.stderr}\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def start(self) -> PrivatePostgres:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync", "--locale=C.UTF-8")
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
                   "-c fsync=off -c full_page_writes=off -c synchronous_commit=off")
        self._run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(DEADLINE),
                  "-o", options, *extra)

    def stop(self, mode: str = "fast") -> None:
        """Stop: "fast" rolls back open transactions and cuts connections, as a restart does."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w")

    def start_again(self) -> None:
        self._pg_ctl("start")

    def remove(self) -> None:
        """Teardown: stop if running, delete the files."""
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if not found:
        raise AssertionError("Debian's PostgreSQL server binaries are needed: apt-get install -y postgresql")
    return found[0].parent
