"""Request ids, the request log line and the Prometheus metrics, read through the real client."""
import io
import json
import logging
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from vssid.core import metrics
from vssid.core.logs import JsonFormatter
from vssid.core.observability import request_id_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_database_gauges():
    metrics.database_collector.clear()  # read the database at each test's scrape, not 5 s ago


def scrape(client=None, **headers) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of one scrape of /metrics."""
    response = (client or Client()).get("/metrics", headers=headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def requests_counted(samples, route, method="GET", status="200") -> float:
    return samples.get(("vssid_http_requests_total", (("method", method), ("route", route), ("status", status))), 0)


def test_every_answer_carries_a_fresh_request_id(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first != second and len(first) == 32 and int(first, 16) >= 0


def test_a_proxy_request_id_is_kept_and_anything_else_replaced(client):
    nginx_id = "3f2c1a9b8d7e6f5a4b3c2d1e0f9a8b7c"
    assert client.get("/healthz", headers={"X-Request-ID": nginx_id})["X-Request-ID"] == nginx_id
    envoy_id = str(uuid.uuid4())
    assert client.get("/healthz", headers={"X-Request-ID": envoy_id})["X-Request-ID"] == envoy_id
    for unsafe in ("0987650123", "hoami.canary@example.vn", "0019605432100123", "x" * 20, "a b", "<script>", "ab" * 40):
        assert client.get("/healthz", headers={"X-Request-ID": unsafe})["X-Request-ID"] != unsafe
        assert request_id_for(unsafe) != unsafe


def test_the_request_line_names_the_route_never_the_path(client, caplog):
    caplog.set_level(logging.DEBUG)
    response = client.get("/xac-nhan/khong-co-ma-nay-AbCdEfGhIjKlMnOpQrStUvWxYz0123/")
    lines = [r for r in caplog.records if r.name == "vssid.request"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.route, line.method, line.status) == ("declarations:confirmation", "GET", response.status_code)
    assert line.duration_ms >= 0 and line.getMessage() == "request"
    assert "xac-nhan" not in str(line.__dict__)
    # Every line of the request carries its id (the formatter reads it while the request runs).
    assert response["X-Request-ID"]


def test_every_line_logged_during_a_request_carries_its_id(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        response = client.get("/khong-co-trang-nay/")  # Django logs "Not Found" inside the request
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {line["logger"] for line in lines} >= {"django.request", "vssid.request"}
    assert {line.get("request_id") for line in lines} == {response["X-Request-ID"]}


def test_probes_are_logged_quietly(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/healthz")
    client.get("/")
    assert [r.route for r in caplog.records if r.name == "vssid.request"] == ["declarations:start"]


def test_requests_are_counted_by_route_method_and_status(client):
    before = scrape()
    client.get("/")
    client.get("/")
    client.get("/khong-co-trang-nay/")
    client.post("/healthz")
    client.generic("BREW", "/healthz")
    after = scrape()
    assert requests_counted(after, "declarations:start") - requests_counted(before, "declarations:start") == 2
    assert requests_counted(after, "unmatched", status="404") - requests_counted(before, "unmatched", status="404") == 1
    assert requests_counted(after, "healthz", "POST") - requests_counted(before, "healthz", "POST") == 1
    assert requests_counted(after, "healthz", "other") - requests_counted(before, "healthz", "other") == 1
    assert not any("khong-co-trang-nay" in str(labels) for _name, labels in after)
    count = ("vssid_http_request_duration_seconds_count", (("route", "declarations:start"),))
    assert after[count] - before.get(count, 0) == 2


def test_declarations_are_counted_by_status_at_scrape_time(client, demo_people):
    from tests.support.flow import Citizen, Walker
    from vssid.places.models import Commune

    commune = Commune.objects.filter(province_id="01").order_by("code").first()
    walker = Walker(Client(), Citizen(commune=commune.code))
    walker.fill_declaration(until="photos")
    assert scrape()[("vssid_declarations", (("status", "draft"),))] == 1
    walker.upload_photos()
    walker.choose_office()
    assert walker.submit().status_code == 302
    metrics.database_collector.clear()
    samples = scrape()
    assert samples[("vssid_declarations", (("status", "submitted"),))] == 1
    assert ("vssid_declarations", (("status", "draft"),)) not in samples


@pytest.mark.django_db(transaction=True)  # the worker closes a connection left inside a transaction
def test_jobs_are_counted_when_enqueued_and_when_the_worker_finishes_them(settings):
    from vssid.notify.tasks import deliver_sms

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task = "vssid.notify.tasks.deliver_sms"

    def jobs(samples, outcome):
        return samples.get(("vssid_jobs_total", (("outcome", outcome), ("task", task))), 0)

    def queued(samples, status):
        return samples.get(("vssid_job_results", (("status", status), ("task", task))), 0)

    before = scrape()
    deliver_sms.enqueue(str(uuid.uuid4()))  # an SMS no longer in the outbox: skipped, a success
    deliver_sms.enqueue("not-an-id")  # a broken argument: the job fails
    assert queued(scrape(), "READY") == 0  # the database gauges are kept a few seconds
    metrics.database_collector.clear()
    middle = scrape()
    assert jobs(middle, "enqueued") - jobs(before, "enqueued") == 2
    assert queued(middle, "READY") == 2
    run_worker()
    metrics.database_collector.clear()
    after = scrape()
    assert jobs(after, "succeeded") - jobs(before, "succeeded") == 1
    assert jobs(after, "failed") - jobs(before, "failed") == 1
    assert (queued(after, "READY"), queued(after, "SUCCESSFUL"), queued(after, "FAILED")) == (0, 1, 1)


def test_the_token_guards_the_metrics(client, settings):
    settings.VSSID_METRICS_TOKEN = "s3cr3t-scrape-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "s3cr3t-scrape-token"}).status_code == 404
    assert scrape(client, Authorization="Bearer s3cr3t-scrape-token")


def test_production_without_a_token_hides_the_metrics(client, settings):
    settings.PRODUCTION = True
    settings.VSSID_METRICS_TOKEN = ""
    response = client.get("/metrics")
    assert response.status_code == 404 and b"vssid_http" not in response.content


def test_a_database_outage_still_lets_the_request_metrics_through(client, monkeypatch):
    def broken():
        raise ConnectionError("database down")

    monkeypatch.setattr("vssid.declarations.selectors.count_by_status", broken)
    samples = scrape()
    assert not any(name == "vssid_declarations" for name, _labels in samples)
    assert any(name == "vssid_http_requests_total" for name, _labels in samples)


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0,
                 worker_id="metrics-test", verbosity=1, stdout=io.StringIO())
