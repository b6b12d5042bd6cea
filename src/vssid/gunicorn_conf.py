"""gunicorn's configuration for the web processes: `vssid web`, or
`gunicorn -c python:vssid.gunicorn_conf vssid.wsgi`.

Inside the package rather than at the repository root, because deployments install the package
(the Dockerfile runs `pip install .`) and have no checkout to read a root file from; `python:`
loads it by module name from wherever the package is. Every value comes from the environment
(docs/deploy.md lists them).
"""
import os
import shutil
import tempfile
from pathlib import Path

_env = os.environ.get

bind = _env("GUNICORN_BIND") or f"{_env('HOST', '0.0.0.0')}:{_env('PORT', '8000')}"
# Photo intake decodes and re-encodes images: CPU-bound work that holds the GIL, so processes
# give the parallelism (one per core by default) and a few threads each cover the waits on the
# database and the storage. The capacity plan in docs/deploy.md says how to size both.
workers = int(_env("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
threads = int(_env("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Three 10 MB photos on a slow phone link arrive through nginx, which buffers the whole body
# first; gunicorn then only waits for the work itself.
timeout = int(_env("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(_env("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(_env("GUNICORN_KEEPALIVE", "5"))
# The application is loaded and warmed once, in the master (when_ready below), and every worker is
# forked from it: the workers share the master's pages of code and start-up objects instead of each
# importing its own copy, and a replacement worker is ready at once. An idle worker went from
# 158 MB resident and 115 MB PSS (its share of the machine's memory) to 92 MB and 33 MB, and under
# load the server took 25–35 MB less per worker (docs/benchmarks.md, "Changes of 2026-12-08").
# The price: SIGHUP no longer loads new code; a release restarts the service, whose socket systemd
# holds meanwhile (deploy/systemd/vssid-web.socket, docs/deploy.md).
preload_app = True
# Recycle workers now and then so that a slow leak (image libraries) never grows unbounded; the
# jitter keeps them from all restarting at once. Not often: a worker opens its connections and fills
# its caches in its first requests while the others carry its share. Every 1,000 requests (when
# each worker still imported everything itself, ~1 s of CPU), that was every ~15 s per worker at the
# benchmark's rate, and 1600-px registrations ran at 4.2–5.1/s; without recycling, 6.0–6.4/s, with
# each worker's memory flat (within 2 MB) from its ~1,500th request to its 8,000th
# (bench/registration_load.py, docs/benchmarks.md).
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(_env("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
# X-Forwarded-* are believed from the reverse proxy only: the same list the rate limits trust.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS") or _env("VSSID_TRUSTED_PROXIES") or "127.0.0.1"
# The worker heartbeat in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn 24+ opens a control socket in $HOME; systemd and containers manage it by signals, and
# the service user's home may not be writable.
control_socket_disable = True

# The application logs one JSON line per request with the route's name (vssid.core.observability),
# so gunicorn's own access log, which would show raw paths (confirmation tokens are in paths) and
# query strings, stays off; GUNICORN_ACCESS_LOG=- turns it on for debugging, without query strings.
accesslog = _env("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'  # %(U)s: the path, no query
# gunicorn's own lines (start, worker timeouts) in the application's format, redacted the same way.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"vssid": {"()": "vssid.core.logs.make_formatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "vssid", "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"level": _env("LOG_LEVEL", "INFO"), "handlers": ["stderr"], "propagate": False},
        # gunicorn writes access lines whenever a logging configuration is given: no handler, no line.
        "gunicorn.access": {"level": "INFO", "handlers": ["stderr"] if accesslog else [], "propagate": False},
    },
    "root": {"level": "WARNING", "handlers": []},
}

# Metrics of all worker processes, added up at each scrape (vssid.core.metrics). Must be in the
# environment before prometheus-client is first imported, which happens in the workers.
if not _env("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(Path(tempfile.gettempdir()) / f"vssid-metrics-{os.getpid()}")


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def on_starting(server):
    """Forget the files of processes that have gone (an earlier run's workers), so that they are not
    added up forever; a running db_worker sharing the folder (the systemd recipe) keeps its own."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.glob("*.db"):  # e.g. counter_4021.db
        if not _running(entry.stem.rpartition("_")[2]):
            entry.unlink(missing_ok=True)


def when_ready(server):
    """In the master, once the application is loaded (preload_app) and before the first worker is
    forked: ready it, so that every worker starts warm and shares what this made."""
    from vssid.core.warmup import warm_up

    warm_up()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """Remove the folder this configuration made up itself (not one given by the environment)."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if folder.name == f"vssid-metrics-{os.getpid()}":
        shutil.rmtree(folder, ignore_errors=True)
