"""Prometheus metrics: requests, latencies, jobs, and declarations by status (docs/deploy.md).

Under gunicorn every worker is a process: with PROMETHEUS_MULTIPROC_DIR set (the gunicorn
configuration sets it), prometheus-client keeps the counters in files there and a scrape adds up
every process's files. Without it (runserver, tests) they live in this process.

Labels are bounded on purpose: a route is the URL pattern's name, never the path (paths carry
tokens and ids), and an unknown method is "other".
"""
import logging
import os
import threading
import time

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)
# The *_created series exist in single-process mode only; without them both modes read alike.
disable_created_metrics()

# The process's own metrics, apart from prometheus-client's default registry (which also holds
# process and platform collectors that mean nothing once added up across processes).
REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

http_requests = Counter(
    "vssid_http_requests", "Requests answered, by route name, method and status.",
    ["route", "method", "status"], registry=REGISTRY,
)
http_request_duration = Histogram(
    "vssid_http_request_duration_seconds", "Time to answer a request, by route name.", ["route"],
    # Pages answer in tens of milliseconds; a step with three large photos takes seconds.
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=REGISTRY,
)
jobs = Counter(
    "vssid_jobs", "Background jobs, by task and outcome (enqueued, succeeded, failed), counted by the "
    "process that saw it: web processes enqueue, db_worker processes run.",
    ["task", "outcome"], registry=REGISTRY,
)


def method_label(method: str) -> str:
    """The method as logged and counted: any other token a client sends is "other"."""
    return method if method in HTTP_METHODS else "other"


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    method = method_label(method)
    http_requests.labels(route=route, method=method, status=str(status)).inc()
    http_request_duration.labels(route=route).observe(seconds)


def count_job(task: str, outcome: str) -> None:
    jobs.labels(task=task, outcome=outcome).inc()


class DatabaseCollector:
    """Gauges read from the database at scrape time, one GROUP BY each, kept for a few seconds so
    that several scrapers (or a refreshing dashboard) do not multiply the queries. The database is
    the one place where every web process, worker and host agree."""

    CACHE_SECONDS = 5.0

    def __init__(self):
        self._lock = threading.Lock()
        self._families = None
        self._read_at = float("-inf")

    def collect(self):
        with self._lock:
            if time.monotonic() - self._read_at > self.CACHE_SECONDS:
                try:
                    self._families = self._read()
                except Exception as error:  # the request metrics still matter most when the database fails
                    logger.warning("metrics: database gauges unavailable (%s)", type(error).__name__)
                    self._families = []
                self._read_at = time.monotonic()
            return list(self._families)

    def clear(self) -> None:
        with self._lock:
            self._read_at = float("-inf")

    def _read(self):
        from vssid.core import selectors
        from vssid.declarations.selectors import count_by_status

        declarations = GaugeMetricFamily(
            "vssid_declarations", "Declarations by status (drafts included).", labels=["status"])
        for status, count in count_by_status():
            declarations.add_metric([status], count)
        queue = GaugeMetricFamily(
            "vssid_job_results", "Jobs kept by the database task backend, by task and status (READY is "
            "the queue; SUCCESSFUL and FAILED until pruned).", labels=["task", "status"])
        for task, status, count in selectors.job_results_by_task_and_status():
            queue.add_metric([task, status], count)
        return [declarations, queue]


database_collector = DatabaseCollector()


def exposition() -> bytes:
    """The text format for one scrape: this process's metrics, or every process's in
    multiprocess mode, plus the database gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(database_collector)
    return generate_latest(registry)


def on_task_enqueued(sender, task_result, **kwargs) -> None:
    count_job(task_result.task.module_path, "enqueued")


def on_task_finished(sender, task_result, **kwargs) -> None:
    from django_tasks import TaskResultStatus

    outcome = "succeeded" if task_result.status == TaskResultStatus.SUCCESSFUL else "failed"
    count_job(task_result.task.module_path, outcome)


def connect_task_signals() -> None:
    from django_tasks.signals import task_enqueued, task_finished

    task_enqueued.connect(on_task_enqueued, dispatch_uid="vssid.core.metrics.enqueued")
    task_finished.connect(on_task_finished, dispatch_uid="vssid.core.metrics.finished")
