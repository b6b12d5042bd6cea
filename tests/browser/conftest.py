"""Real-browser tests: Debian's chromium, driven by Playwright, against the real server.

The server runs as its own process (migrate + runserver + the job worker), on its own database, as
a person would run it; nothing is patched inside it. Chromium is never downloaded: the suite
uses /usr/bin/chromium, which `make test` installs from Debian's packages.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, chromium tries to reach Google's services from a machine with no route to them.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp: Path, name: str = "vssid_browser") -> str:
    """A fresh database of the same kind as the suite's: PostgreSQL in CI, SQLite elsewhere."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{tmp / 'browser.sqlite3'}"
    import psycopg

    admin = base.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """The service, started the way `make run` starts it, on a free port."""
    tmp = tmp_path_factory.mktemp("site")
    yield from _run_site(tmp, _free_port(), {"DATABASE_URL": _database_url(tmp)})


def _run_site(tmp: Path, port: int, environment: dict):
    """`vssid serve` with these variables (a database at least) until the generator is closed;
    yields what the tests need of it, its environment included (to run commands against it)."""
    env = {**os.environ, "VSSID_VAR_DIR": str(tmp / "var"), "PYTHONUNBUFFERED": "1", **environment}
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "vssid", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError("the server did not start:\n" + (tmp / "server.log").read_text()[-4000:])
            time.sleep(0.5)
    try:
        yield {"url": base, "var": tmp / "var", "log": tmp / "server.log", "env": env}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def live_site_s3(tmp_path_factory):
    """The service with its private files in a SeaweedFS bucket (tests.support.seaweed), on a
    database of its own. The gateway answers no origin by default; the bucket's CORS rule of
    docs/storage.md is what lets the desk's pages read from it."""
    from tests.support.seaweed import SeaweedServer

    tmp = tmp_path_factory.mktemp("site-s3")
    port = _free_port()
    seaweed = SeaweedServer(tmp_path_factory.mktemp("seaweed-site"), allowed_origins="http://no-site.invalid")
    try:
        s3 = seaweed.start()
        s3.allow_desk_origin(f"http://127.0.0.1:{port}")
        yield from _run_site(tmp, port, {
            "DATABASE_URL": _database_url(tmp, "vssid_browser_s3"), "VSSID_S3_BUCKET": s3.bucket,
            "VSSID_S3_ENDPOINT_URL": s3.endpoint_url, "VSSID_S3_REGION": s3.region,
            "VSSID_S3_ACCESS_KEY_ID": s3.access_key, "VSSID_S3_SECRET_ACCESS_KEY": s3.secret_key,
        })
    finally:
        seaweed.stop()


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright for the session: its sync API cannot be started twice in one process, so a
    test that needs a browser launched with other flags launches it from here."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def phone(browser):
    """A cheap phone's screen: 360 × 800."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN",
                                  accept_downloads=True, device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()
