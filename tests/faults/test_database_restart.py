"""PostgreSQL restarted under load. The site runs as its own processes (`vssid runserver` with DEBUG
off, as users see it, and `vssid worker`) on a PostgreSQL server of the test's own, which the test
stops and starts again while apps keep submitting and probes keep asking. Every answer in the
outage is a clean 503 (the page or the JSON shape, with Retry-After, never a stack trace); the
worker waits the outage out; afterwards every submission the apps retried with their
Idempotency-Key is there once, complete, and its email and SMS arrived once each.

The shared PostgreSQL server is never touched: the other tests and engineers use it.
"""
from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import psycopg
import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.helpers import good_photos
from tests.support.processes import PrivatePostgres, Process, free_port, service_env, start_worker, wait_until
from vssid.core import outages

DRAFTS = 4
OUTAGE_PAGE_TITLE = "Hệ thống đang tạm gián đoạn"
ANSWERS = {  # Trần Thị Bình of the demo registry, who lives in Hà Nội
    "full_name": "Trần Thị Bình", "date_of_birth": "1990-03-15", "sex": "female",
    "social_insurance_number": "0123456789", "id_document_type": "cccd", "id_document_number": "001190012345",
    "address_province": "01", "address_street": "Số 12 ngõ 34 phố Hàng Bông", "mobile_phone": "0912 345 678",
    "email": "binh.tran@example.vn",
}


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None) -> Answer:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, dict(error.headers), error.read())


@dataclass
class Site:
    url: str
    postgres: PrivatePostgres
    server: Process
    worker: Process

    def database(self):
        return psycopg.connect(self.postgres.url("vssid_site"), autocommit=True)


@dataclass
class HttpApp:
    """The phone app, over real HTTP."""

    site: Site
    token: str = ""
    answers: list = field(default_factory=list)

    def call(self, method: str, path: str, data=None, **headers) -> Answer:
        body, content_type = None, "application/json"
        if isinstance(data, tuple):  # (kind, jpeg bytes): a photo upload
            body = encode_multipart(BOUNDARY, {"photo": SimpleUploadedFile(f"{data[0]}.jpg", data[1], "image/jpeg")})
            content_type = MULTIPART_CONTENT
        elif data is not None:
            body = json.dumps(data).encode()
        headers = {"Content-Type": content_type, **headers}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return request(f"{self.site.url}/api/v1{path}", method, body, headers)

    def ready_to_submit(self, commune: str, office: int) -> HttpApp:
        started = self.call("POST", "/declarations")
        assert started.status == 201, started.text
        self.token = started.json()["token"]
        for step in ({**ANSWERS, "address_commune": commune}, *[(k, v) for k, v in good_photos().items()],
                     {"office": office, "email_declaration": True}):
            if isinstance(step, tuple):
                answer = self.call("PUT", f"/declarations/current/photos/{step[0]}", step)
            else:
                answer = self.call("PATCH", "/declarations/current", step)
            assert answer.status == 200, answer.text
        return self

    def submit(self, key: str) -> Answer:
        answer = self.call("POST", "/declarations/current/submit", **{"Idempotency-Key": key})
        self.answers.append(answer)
        return answer

    def submit_until_accepted(self, key: str, timeout: float = 60) -> Answer:
        """What a well-behaved app does: retry with the same key while the answer is 503."""
        deadline = time.monotonic() + timeout
        while (answer := self.submit(key)).status == 503 and time.monotonic() < deadline:
            time.sleep(0.2)  # a pause between attempts, as Retry-After asks (shortened)
        return answer


class Probe(threading.Thread):
    """Keeps asking for a page and for the API while the test runs; keeps every answer."""

    def __init__(self, site: Site, app: HttpApp):
        super().__init__(daemon=True)
        self.site, self.app = site, app
        self.answers: list[tuple[str, Answer]] = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            self.answers.append(("page", request(f"{self.site.url}/xac-nhan/khong-co-ma-nay/")))
            self.answers.append(("api", self.app.call("GET", "/declarations/current")))

    def saw(self, kind: str, status: int) -> bool:
        return any(k == kind and a.status == status for k, a in list(self.answers))

    def stop(self):
        self.stopping.set()
        self.join(timeout=60)


def sent_messages(site: Site) -> int:
    with site.database() as db:
        return db.execute("SELECT (SELECT count(*) FROM notify_outboundemail WHERE status = 'sent') "
                          "+ (SELECT count(*) FROM notify_outboundsms WHERE status = 'sent')").fetchone()[0]


@pytest.fixture
def site(tmp_path, mail_server, sms_provider):
    tmp = tmp_path
    mail_server.start()
    sms_provider.start()
    postgres = PrivatePostgres().start()
    server = worker = None
    try:
        with psycopg.connect(postgres.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE vssid_site")
        env = service_env(tmp / "var", postgres.url("vssid_site"), DEBUG="0", STATIC_ROOT=str(tmp / "static"),
                          ALLOWED_HOSTS="127.0.0.1", DATABASE_CONN_MAX_AGE="60",
                          EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                          EMAIL_PORT=str(mail_server.port), VSSID_SMS_GATEWAY="vssid.notify.sms.HttpSmsGateway",
                          VSSID_SMS_HTTP_URL=sms_provider.url, VSSID_SMS_HTTP_AUTH="none")
        env.pop("REDIS_URL", None)  # the embedded default: counters in the same database
        for command in (["migrate", "-v0"], ["createcachetable"], ["collectstatic", "--noinput", "-v0"],
                        ["shell", "-c", "from vssid.registry.services import DEMO_PEOPLE, upsert_records; "
                                        "upsert_records(DEMO_PEOPLE)"]):
            process = Process([sys.executable, "-m", "vssid", *command], env, tmp / f"{command[0]}.log")
            assert process.wait() == 0, process.output()
            process.stop()
        port = free_port()
        server = Process([sys.executable, "-m", "vssid", "runserver", "--noreload", f"127.0.0.1:{port}"],
                         env, tmp / "server.log")
        url = f"http://127.0.0.1:{port}"

        def up():
            try:
                return request(url + "/healthz").status == 200
            except OSError:
                assert server.popen.poll() is None, server.output()
                return False

        wait_until(up, what="the site", explain=server.output)
        worker = start_worker(env, tmp / "worker.log", "restart-worker")
        yield Site(url, postgres, server, worker)
    finally:
        for process in (server, worker):
            if process is not None:
                process.stop()
        postgres.remove()


def test_a_database_restart_under_load_answers_503_and_loses_or_doubles_nothing(site, mail_server, sms_provider):
    with site.database() as db:
        commune, office = db.execute(
            "SELECT c.code, o.id FROM places_commune c JOIN places_office o ON o.province_id = c.province_id "
            "WHERE c.province_id = '01' ORDER BY c.code, o.id LIMIT 1").fetchone()
    apps = [HttpApp(site).ready_to_submit(commune, office) for _ in range(DRAFTS)]
    probe = Probe(site, apps[0])
    probe.start()
    assert apps[0].submit("before").status == 200
    # Its email and SMS sent first, so the outage finds the worker between jobs (a job cut short
    # is the kill tests' case: it waits out its lease).
    wait_until(lambda: sent_messages(site) == 2, what="the first submission's messages", explain=site.worker.output)

    site.postgres.stop("fast")  # open transactions roll back, connections are cut
    try:
        wait_until(lambda: probe.saw("page", 503) and probe.saw("api", 503), what="503 answers in the outage")
        site.worker.wait_for_output("database unavailable (OperationalError)")
        refused = apps[1].submit("during")
        retrying = [threading.Thread(target=app.submit_until_accepted, args=(f"retry-{i}",))
                    for i, app in enumerate(apps[2:])]
        for thread in retrying:
            thread.start()
        wait_until(lambda: all(app.answers for app in apps[2:]), what="a first attempt of each app")
    finally:
        site.postgres.start_again()
    for thread in retrying:
        thread.join(timeout=90)
    resent = apps[1].submit_until_accepted("during")
    wait_until(lambda: probe.saw("api", 200) and probe.answers[-1][1].status != 503, what="the site back")
    probe.stop()

    # In the outage: 503 with Retry-After, in the page's or the API's own shape; never a 500.
    assert refused.status == 503 and refused.json()["errors"][0]["code"] == "service_unavailable"
    every = probe.answers + [("api", a) for app in apps for a in app.answers]
    assert {a.status for _kind, a in every} <= {200, 404, 503}, [a.text[:300] for _k, a in every if a.status >= 500
                                                                 and a.status != 503]
    for kind, answer in every:
        if answer.status == 503:
            assert answer.headers["Retry-After"] == str(outages.RETRY_AFTER_SECONDS)
            assert "Traceback" not in answer.text and "psycopg" not in answer.text
            if kind == "page":
                assert OUTAGE_PAGE_TITLE in answer.text
            else:
                assert [e["code"] for e in answer.json()["errors"]] == ["service_unavailable"]
    # Afterwards: every app's submission accepted once, complete, owing one email and one SMS.
    assert resent.status == 200 and all(app.answers[-1].status == 200 for app in apps)
    accepted = {app.answers[-1].json()["reference_code"] for app in apps}
    with site.database() as db:
        rows = db.execute(
            "SELECT d.reference_code, d.portrait_id IS NOT NULL AND d.id_front_id IS NOT NULL "
            "AND d.id_back_id IS NOT NULL AND d.office_id IS NOT NULL AND d.visit_due_date IS NOT NULL, "
            "(SELECT count(*) FROM notify_outboundemail e WHERE e.declaration_id = d.id), "
            "(SELECT count(*) FROM notify_outboundsms s WHERE s.object_id = d.id) "
            "FROM declarations_declaration d WHERE d.status = 'submitted'").fetchall()
        drafts_left = db.execute("SELECT count(*) FROM declarations_declaration WHERE status = 'draft'").fetchone()
    assert sorted(rows) == sorted((code, True, 1, 1) for code in accepted)
    assert len(accepted) == DRAFTS and drafts_left == (0,)
    assert "Traceback" not in "".join(a.text for _k, a in every)
    # The worker waited the outage out (it did not exit), then sent each message once.
    wait_until(lambda: len(mail_server.messages) >= DRAFTS and len(sms_provider.delivered) >= DRAFTS,
               what="the emails and SMS", explain=site.worker.output)
    assert site.worker.popen.poll() is None, site.worker.output()
    with site.database() as db:
        assert db.execute("SELECT status, count(*) FROM notify_outboundemail GROUP BY status").fetchall() == [
            ("sent", DRAFTS)]
        assert db.execute("SELECT status, count(*) FROM notify_outboundsms GROUP BY status").fetchall() == [
            ("sent", DRAFTS)]
    assert len(set(mail_server.message_ids())) == len(mail_server.messages) == DRAFTS
    assert len(sms_provider.delivered) == DRAFTS
