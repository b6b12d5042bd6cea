"""The mã số BHXH look-up on PostgreSQL with 1 M and 10 M registry rows: the selector's query latency,
and the look-up page's HTTP throughput beside the same server's trivial endpoint (/healthz).

    .venv/bin/python bench/lookup.py                       # 1 M then 10 M rows, figures printed
    .venv/bin/python bench/lookup.py --sizes 1000000 --write-docs
    .venv/bin/python bench/lookup.py --reuse               # keep rows already loaded by an earlier run

What it does, per size:
1. Fills the database ``vssid_bench`` (created when missing, migrated with the project's migrations)
   up to the size with synthetic people (``registry.services.synthetic_record``: realistic names,
   dates, CCCD numbers that agree with them). Loading goes around Django on purpose: the indexes and
   the foreign key are dropped, two processes stream rows with ``COPY … FROM STDIN``, and the
   indexes are rebuilt and the table ANALYZEd. Rows are a pure function of their position, so a
   10 M table is the 1 M table plus 9 M more rows, and every run builds the same data.
2. Times ``registry.selectors.lookup`` (the ORM query and the decision, one client, as a view calls
   it) over ``--queries`` random look-ups: half hits (people sampled from the table; the name typed
   in upper case or without diacritics one time in three), half misses (the same people with the
   day of birth moved by one). p50/p99/max and look-ups per second.
3. Starts ``gunicorn -w 2`` on 127.0.0.1 against the same database, with Redis holding the rate-
   limit counters as in production and the limits raised through the environment
   (VSSID_LOOKUP_RATE_PER_CLIENT / _PER_PERSON / _PER_SESSION; no code changes), and drives it with ``wrk`` on the
   same machine, bounded in time: /healthz, then the look-up page (POSTs with a CSRF cookie and
   token, hits and misses mixed), twice each, alternating. Every non-2xx/3xx response is counted:
   a 403 or a 429 would mean the figures measure an error page.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth), Redis at 127.0.0.1:6379 (database
14 is flushed) and ``wrk`` (Debian package). Results go to bench/out/lookup.json, and with
``--write-docs`` to the "Look-up" section of docs/benchmarks.md.
"""
import argparse
import json
import multiprocessing
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from functools import lru_cache
from http.cookiejar import CookieJar
from pathlib import Path

from common import OUT, ROOT, SERVER_URL, UNLIMITED, add_docs_arguments, percentile, render_saved, write_docs

DATABASE = "vssid_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
FORM = "application/x-www-form-urlencoded"
# A fixed "today", so the generated people (and their ages) never change.
GENERATED_ON = date(2025, 7, 1)
CHUNK = 250_000  # rows per COPY stream; each chunk has its own random seed
SEED = 20250701
# mã số BHXH i = a province prefix + an 8-digit tail that is a bijection of i (a multiplier coprime
# with 10^8), so 10 M numbers are distinct without remembering any of them.
_TAIL_MULTIPLIER, _TAIL_OFFSET = 48_271_019, 13_572_468

# The server's settings, used by this process too (for the in-process breakdown): production-like
# (DEBUG off, Redis for the counters), with the look-up limits raised through the environment.
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "vssid.settings",
    "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
    "DATABASE_CONN_MAX_AGE": "600",
    "VSSID_VAR_DIR": str(OUT / "lookup-var"),
    "DEBUG": "0",
    "REDIS_URL": REDIS_URL,
    "VSSID_LOOKUP_RATE_PER_CLIENT": UNLIMITED,
    "VSSID_LOOKUP_RATE_PER_PERSON": UNLIMITED,
    "VSSID_LOOKUP_RATE_PER_SESSION": UNLIMITED,
    "LOG_LEVEL": "WARNING",
})

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from vssid.cards.birth_places import PROVINCE_CODES_2016  # noqa: E402
from vssid.cards.text import fold  # noqa: E402
from vssid.core import crypto  # noqa: E402
from vssid.core.fields import fingerprint_of  # noqa: E402
from vssid.registry import selectors, services  # noqa: E402
from vssid.registry.models import InsuredPerson  # noqa: E402

TABLE = InsuredPerson._meta.db_table
COPY_COLUMNS = ("social_insurance_number", "full_name", "full_name_folded", "date_of_birth", "birth_year_only",
                "sex", "province_id", "id_number", "id_number_fingerprint", "phone")
# COPY goes around the model fields: the ID number and phone are encrypted (and the number
# fingerprinted) here, exactly as the fields would (docs/encryption.md).
ID_NUMBER_FIELD, PHONE_FIELD = InsuredPerson._meta.get_field("id_number"), InsuredPerson._meta.get_field("phone")
_PREFIXES = tuple(code[1:] for code in sorted(PROVINCE_CODES_2016))


# Loading ------------------------------------------------------------------------------------------

def ensure_database() -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def chunk_rows(chunk: int, start: int, stop: int) -> str:
    """TSV lines of rows start..stop-1 (all within ``chunk``), for COPY. Names hold no tab or backslash."""
    rng = random.Random(SEED * 1000 + chunk)
    pools = services.name_pools()
    folded = lru_cache(maxsize=None)(fold)  # names repeat: fold each once
    lines = []
    # Rows of a chunk are drawn in order from the chunk's start, so a row never depends on where a
    # load began.
    for i in range(chunk * CHUNK, stop):
        record = services.synthetic_record(rng, today=GENERATED_ON, pools=pools)
        if i < start:
            continue
        number = f"{_PREFIXES[i % len(_PREFIXES)]}{(i * _TAIL_MULTIPLIER + _TAIL_OFFSET) % 10**8:08d}"
        lines.append("\t".join((
            number, record.full_name, folded(record.full_name), record.date_of_birth.isoformat(),
            "t" if record.birth_year_only else "f", record.sex, record.province_code,
            ID_NUMBER_FIELD.get_prep_value(record.id_number), fingerprint_of(InsuredPerson, "id_number", record.id_number),
            PHONE_FIELD.get_prep_value(record.phone),
        )))
    return "\n".join(lines) + "\n"


def copy_chunk(bounds: tuple[int, int, int]) -> int:
    chunk, start, stop = bounds
    data = chunk_rows(chunk, start, stop)
    with psycopg.connect(f"{SERVER_URL}/{DATABASE}") as db:
        db.execute("SET synchronous_commit = off")
        with db.cursor().copy(f"COPY {TABLE} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            copy.write(data)
    return stop - start


def load_rows(size: int, *, workers: int) -> dict:
    """Fill the table up to ``size`` rows (rows 0..size-1); returns timings."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        present = cursor.fetchone()[0]
    if present > size:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
        present = 0
    if present == size:
        return {"loaded": 0, "copy_s": 0.0, "index_s": 0.0, "analyze_s": 0.0}

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'f')", [TABLE])
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [TABLE, TABLE])
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    connections.close_all()  # never share a connection with the forked workers

    tasks = []
    for chunk in range(present // CHUNK, (size + CHUNK - 1) // CHUNK):
        tasks.append((chunk, max(present, chunk * CHUNK), min(size, (chunk + 1) * CHUNK)))
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for done, _rows in enumerate(pool.imap_unordered(copy_chunk, tasks), 1):
            print(f"\r  COPY {done}/{len(tasks)} chunks", end="", flush=True)
    copy_s = time.perf_counter() - started
    print()

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in constraints:
            if definition.startswith("PRIMARY KEY"):
                cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            if not definition.startswith("PRIMARY KEY"):
                cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {TABLE}")
    return {"loaded": size - present, "copy_s": round(copy_s, 1), "index_s": round(index_s, 1),
            "analyze_s": round(time.perf_counter() - started, 1)}


# Queries ------------------------------------------------------------------------------------------

def sample_queries(size: int, count: int, rng: random.Random) -> list[tuple[selectors.LookupQuery, bool]]:
    """(query, meant to hit) pairs: people sampled from the table, and the same people one day off."""
    percent = min(100.0, 100.0 * count * 3 / size)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT province_id, full_name, date_of_birth, birth_year_only, id_number FROM {TABLE} "
            f"TABLESAMPLE SYSTEM (%s) REPEATABLE (7) LIMIT %s", [percent, count])
        people = cursor.fetchall()
    queries = []
    for province, name, born, year_only, stored_id_number in people:
        id_number = crypto.decrypt(stored_id_number, label=ID_NUMBER_FIELD.label) if stored_id_number else ""
        if year_only:
            born = born.replace(month=6, day=15)
        typed = rng.choice((name, name.upper(), fold(name)))
        hit = rng.random() < 0.5
        if not hit:
            # A near miss that is still a valid look-up (the CCCD's digits carry the birth year):
            # a day off within the year, or for a year-only date a name one letter longer.
            if year_only:
                typed += "h"
            else:
                born += timedelta(days=-1 if (born.month, born.day) == (12, 31) else 1)
        queries.append((selectors.LookupQuery(province, typed, born, id_number), hit))
    rng.shuffle(queries)
    return queries


def time_selector(queries) -> dict:
    for query, _hit in queries[:200]:  # warm-up: connection, plan cache, first index pages
        selectors.lookup(query)
    timings, found = [], 0
    started = time.perf_counter()
    for query, _hit in queries:
        before = time.perf_counter()
        found += selectors.lookup(query).found
        timings.append((time.perf_counter() - before) * 1000)
    elapsed = time.perf_counter() - started
    return {
        "queries": len(queries), "single_matches": found,
        "p50_ms": round(percentile(timings, 0.50), 3), "p99_ms": round(percentile(timings, 0.99), 3),
        "max_ms": round(max(timings), 3), "mean_ms": round(statistics.mean(timings), 3),
        "lookups_per_s": round(len(queries) / elapsed),
    }


def mean_ms(function, arguments) -> float:
    for argument in arguments[:20]:
        function(argument)
    started = time.perf_counter()
    for argument in arguments:
        function(argument)
    return round((time.perf_counter() - started) / len(arguments) * 1000, 3)


def time_breakdown(queries) -> dict:
    """Where one look-up request spends its time, in this process (no HTTP server, no load)."""
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory

    from vssid.core.ratelimit import Limit, hit_all
    from vssid.registry.forms import LookupForm

    sample = queries[:300]
    encoded = lookup_bodies(sample, token="")
    bodies = [dict(urllib.parse.parse_qsl(body, keep_blank_values=True)) for body in encoded]
    # Posted url-encoded, as browsers and wrk send the form (the test client's default, multipart,
    # costs a millisecond more to parse).
    hits = [body for body, (_q, meant) in zip(encoded, sample) if meant]
    misses = [body for body, (_q, meant) in zip(encoded, sample) if not meant]
    bound = LookupForm(bodies[0])
    bound.is_valid()
    request = RequestFactory().get("/")
    client = Client()
    counter = iter(range(10**9))
    return {
        "form_validation_ms": mean_ms(lambda b: LookupForm(b).is_valid(), bodies),
        "rate_limit_counters_ms": mean_ms(lambda _b: hit_all([
            Limit("bench-client", str(next(counter)), UNLIMITED), Limit("bench-person", str(next(counter)), UNLIMITED),
        ]), bodies),
        "query_ms": mean_ms(selectors.lookup, [q for q, _hit in sample]),
        "render_found_page_ms": mean_ms(lambda _b: render_to_string(
            "registry/found.html", {"number": "0123456789", "back_url": "/"}, request=request), bodies),
        "render_no_single_match_page_ms": mean_ms(lambda _b: render_to_string(
            "registry/no_single_match.html", {"form": bound, "back_url": "/"}, request=request), bodies),
        "view_hit_ms": mean_ms(lambda b: client.post("/tra-cuu-ma-so-bhxh/", b, content_type=FORM), hits),
        "view_miss_ms": mean_ms(lambda b: client.post("/tra-cuu-ma-so-bhxh/", b, content_type=FORM), misses),
        "view_healthz_ms": mean_ms(lambda _b: client.get("/healthz"), bodies),
    }


def server_plan(query: selectors.LookupQuery) -> str:
    sql, params = selectors.lookup_statement(query)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


# HTTP ---------------------------------------------------------------------------------------------

def free_port() -> int:
    """A port nobody listens on now (the machine is shared: a fixed one was once taken)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()


def start_server(workers: int) -> subprocess.Popen:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{PORT}",
         "--graceful-timeout", "5", "vssid.wsgi:application"],
        env=os.environ, cwd=ROOT, stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1).read()
            if server.poll() is None:  # ours answered, not something else on the port
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn did not start on port {PORT}")


def browser_cookies(first_query) -> tuple[str, str]:
    """The Cookie header and the form token a browser has after its first look-up: the CSRF cookie
    from the page, and the session the first look-up opens (the per-session limit counts there),
    so wrk's requests are one browser's later look-ups, not each a new visitor's first."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{PORT}{PAGE_PATH}").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    opener.open(f"http://127.0.0.1:{PORT}{PAGE_PATH}", data=lookup_bodies([first_query], token)[0].encode()).read()
    cookies = {c.name: c.value for c in jar}
    return f"csrftoken={cookies['csrftoken']}; sessionid={cookies['sessionid']}", token


def lookup_bodies(queries, token: str) -> list[str]:
    bodies = []
    for query, _hit in queries:
        fields = {
            "csrfmiddlewaretoken": token, "province": query.province_code, "full_name": query.full_name,
            "dob_day": query.date_of_birth.day, "dob_month": query.date_of_birth.month,
            "dob_year": query.date_of_birth.year, "id_number": query.id_number,
        }
        if not query.id_number:
            fields["no_id_document"] = "on"
        bodies.append(urllib.parse.urlencode(fields))
    return bodies


def api_bodies(queries) -> list[str]:
    """The same look-ups as JSON for POST /api/v1/registry/lookup, as an app sends them."""
    return [json.dumps({
        "province": query.province_code, "full_name": query.full_name,
        "date_of_birth": query.date_of_birth.isoformat(), "id_number": query.id_number,
        "no_id_document": not query.id_number,
    }, ensure_ascii=False) for query, _hit in queries]


def wrk_script(path: str, bodies: list[str], headers: dict[str, str], script: Path) -> Path:
    """A wrk script POSTing ``bodies`` to ``path`` in turn."""
    # A JSON string is a valid Lua string once non-ASCII stays UTF-8 (LuaJIT knows no \\u escapes).
    listing = ",\n".join(json.dumps(body, ensure_ascii=False) for body in bodies)
    header_lines = ",\n".join(f'  [{json.dumps(name)}] = {json.dumps(value)}' for name, value in headers.items())
    script.write_text(f"""
local bodies = {{
{listing}
}}
local headers = {{
{header_lines}
}}
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "{path}", headers, bodies[(n % #bodies) + 1])
end
""", encoding="utf-8")
    return script


def run_wrk(path: str, seconds: int, connections_: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t1", f"-c{connections_}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(command + [f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True,
                            check=True).stdout
    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([0-9.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return round(value * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1)),
        "p50_ms": latency(50), "p99_ms": latency(99),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


PAGE_PATH = "/tra-cuu-ma-so-bhxh/"
API_PATH = "/api/v1/registry/lookup"


def time_http(queries, *, seconds: int, rounds: int, workers: int, concurrency: int) -> dict:
    server = start_server(workers)
    try:
        cookie, token = browser_cookies(queries[0])
        bodies = lookup_bodies(queries, token)
        with tempfile.TemporaryDirectory() as directory:
            page_script = wrk_script(PAGE_PATH, bodies, {"Content-Type": FORM, "Cookie": cookie},
                                     Path(directory) / "page.lua")
            api_script = wrk_script(API_PATH, api_bodies(queries), {"Content-Type": "application/json"},
                                    Path(directory) / "api.lua")
            run_wrk("/healthz", 3, concurrency)  # warm-up of both workers
            run_wrk(PAGE_PATH, 3, concurrency, page_script)
            run_wrk(API_PATH, 3, concurrency, api_script)
            trivial, page, api = [], [], []
            for _round in range(rounds):
                trivial.append(run_wrk("/healthz", seconds, concurrency))
                page.append(run_wrk(PAGE_PATH, seconds, concurrency, page_script))
                api.append(run_wrk(API_PATH, seconds, concurrency, api_script))
    finally:
        server.terminate()
        server.wait(timeout=20)
    trivial_rps = statistics.mean(r["requests_per_s"] for r in trivial)
    page_rps = statistics.mean(r["requests_per_s"] for r in page)
    api_rps = statistics.mean(r["requests_per_s"] for r in api)
    return {"workers": workers, "connections": concurrency, "seconds": seconds, "rounds": rounds,
            "healthz": trivial, "lookup": page, "api": api, "healthz_rps": round(trivial_rps),
            "lookup_rps": round(page_rps), "api_rps": round(api_rps),
            "ratio": round(page_rps / trivial_rps, 3), "api_ratio": round(api_rps / trivial_rps, 3)}


# Report -------------------------------------------------------------------------------------------

def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "memory_gib": round(memory), "python": platform.python_version(),
            "load_average_at_start": round(os.getloadavg()[0], 1),
            "postgresql": version.split()[0], "shared_buffers": buffers, "system": platform.platform()}


def render_docs(results: dict) -> str:
    m = results["machine"]
    lines = [
        "## Look-up",
        "",
        f"Measured {results['date']} on {m['cores']} cores, {m['memory_gib']} GiB, PostgreSQL {m['postgresql']} "
        f"(shared_buffers {m['shared_buffers']}, otherwise defaults), Python {m['python']}; the load generator "
        "(`wrk`, one thread) ran on the same machine and shares its cores with the server. Synthetic registry "
        "(`registry.services.synthetic_record`), loaded with COPY; the table and its indexes fit in the OS page "
        "cache, so these are warm figures. The machine was shared: its 1-minute load average was "
        f"{m['load_average_at_start']} when the run started and {results.get('load_average_at_end', '?')} when it ended, "
        "so throughput figures carry noise from other work.",
        "",
        "**Query** — `registry.selectors.lookup` (its one SQL statement through Django's connection, and the "
        "decision) called in a loop from Python, one client, half hits and half misses, names typed in any case, "
        "with or without diacritics; the time is the wall-clock time of each call:",
        "",
        "| rows | look-ups | p50 | p99 | max | look-ups/s (one client) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size in results["sizes"]:
        q = size["query"]
        lines.append(f"| {size['rows']:,} | {q['queries']:,} | {q['p50_ms']} ms | {q['p99_ms']} ms | {q['max_ms']} ms "
                     f"| {q['lookups_per_s']:,} |")
    http_sizes = [s for s in results["sizes"] if s.get("http")]
    if http_sizes:
        h0 = http_sizes[0]["http"]
        lines += [
            "",
            f"**HTTP** — `gunicorn -w {h0['workers']}` (sync workers), `DEBUG=0`, Redis for the rate-limit counters "
            f"(limits raised through the environment), `wrk -t1 -c{h0['connections']}`, {h0['rounds']} rounds of "
            f"{h0['seconds']} s per endpoint, alternating. The page is the HTML form's POST (CSRF cookie and token, "
            "form validation, both rate-limit counters, the query, the rendered answer page); the API is "
            "`POST /api/v1/registry/lookup` with the same look-ups as JSON (the same form rules, counters and "
            "query, a JSON answer):",
            "",
            "| rows | /healthz req/s | page req/s (÷ healthz) | API req/s (÷ healthz) | healthz p50 / p99 | page p50 / p99 | API p50 / p99 |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size in http_sizes:
            h = size["http"]
            hz, lk, api = h["healthz"][-1], h["lookup"][-1], h["api"][-1]
            lines.append(
                f"| {size['rows']:,} | {h['healthz_rps']:,} | {h['lookup_rps']:,} ({h['ratio']:.0%}) | "
                f"{h['api_rps']:,} ({h['api_ratio']:.0%}) | {hz['p50_ms']} / {hz['p99_ms']} ms | "
                f"{lk['p50_ms']} / {lk['p99_ms']} ms | {api['p50_ms']} / {api['p99_ms']} ms |")
    largest = results["sizes"][-1]
    b = largest["breakdown"]
    lines += [
        "",
        f"**Where a look-up request's time goes** (in one process, no HTTP server, {largest['rows']:,} rows; "
        "means over a few hundred look-ups):",
        "",
        "| part | ms |",
        "|---|---:|",
        f"| form validation (card rules for name, date, ID number) | {b['form_validation_ms']} |",
        f"| both rate-limit counters in Redis (one pipelined round trip) | {b['rate_limit_counters_ms']} |",
        f"| the query and the decision (`selectors.lookup`) | {b['query_ms']} |",
        f"| rendering the answer page with a number | {b['render_found_page_ms']} |",
        f"| rendering the “no single match” page (the form again, filled in) | {b['render_no_single_match_page_ms']} |",
        f"| the whole view through Django's middleware, hit / miss | {b['view_hit_ms']} / {b['view_miss_ms']} |",
        f"| /healthz through the same middleware | {b['view_healthz_ms']} |",
    ]
    lines += ["", *goal_notes(results), "",
              "Loading (two COPY streams, then the primary key, the look-up index and the foreign key rebuilt, "
              "then VACUUM ANALYZE):", ""]
    for size in results["sizes"]:
        load = size["load"]
        if load["loaded"]:
            lines.append(f"- up to {size['rows']:,} rows: {load['loaded']:,} rows copied in {load['copy_s']} s, "
                         f"indexes {load['index_s']} s, analyze {load['analyze_s']} s")
    lines += ["", "Plan of one look-up at the largest size:", "", "```", results["plan"], "```", "",
              "Reproduce (the script creates and fills the database `vssid_bench`, flushes Redis database 14, and "
              "sets `DEBUG=0`, `REDIS_URL` and `VSSID_LOOKUP_RATE_PER_*` for "
              "itself and the server; results also go to `bench/out/lookup.json`). This run took "
              f"{results.get('elapsed_s', 0) / 60:.0f} min, most of it generating and copying the 10 M rows:", "",
              "```sh", "apt-get install wrk", results["command"],
              "# rewrite this section from bench/out/lookup.json without measuring again:",
              ".venv/bin/python bench/lookup.py --render-only", "```", ""]
    return "\n".join(lines)


def goal_notes(results: dict) -> list[str]:
    """The issue's two goals, said plainly whichever way they came out."""
    notes = []
    largest = max(results["sizes"], key=lambda size: size["rows"])
    p99 = largest["query"]["p99_ms"]
    notes.append(
        f"Goal 1, the query's p99 under 10 ms at 10 M rows: **{'met' if p99 < 10 else 'not met'}** "
        f"({p99} ms at {largest['rows']:,} rows)."
        + ("" if largest["rows"] >= 10_000_000 else " This run did not reach 10 M rows."))
    http_sizes = [size for size in results["sizes"] if size.get("http")]
    if http_sizes:
        ratios = "; ".join(f"page {size['http']['ratio']:.0%}, API {size['http']['api_ratio']:.0%} at {size['rows']:,} rows"
                           for size in http_sizes)
        met = all(max(size["http"]["ratio"], size["http"]["api_ratio"]) >= 0.8 for size in http_sizes)
        notes.append(
            f"Goal 2, the look-up endpoint at ≥ 80 % of the trivial endpoint's throughput: "
            f"**{'met' if met else 'not met'}** ({ratios}).")
        if not met:
            b = largest["breakdown"]
            http = largest["http"]
            # With W sync workers, one /healthz answer takes a worker W ÷ its rate. A look-up that did
            # nothing but its two unavoidable round trips (the counters in Redis, the query in
            # PostgreSQL) would hold its worker that long plus their time, during which that worker
            # serves no one: the rate it allows is the most any look-up endpoint could reach here.
            workers = http["workers"]
            healthz_ms = 1000 * workers / http["healthz_rps"]
            trips_ms = b["rate_limit_counters_ms"] + b["query_ms"]
            ceiling = healthz_ms / (healthz_ms + trips_ms)
            notes.append(
                "What holds it back is not the query (see the breakdown) but that /healthz does almost nothing: "
                f"at {http['healthz_rps']:,.0f} answers/s from {workers} sync workers, one answer takes a worker "
                f"{healthz_ms:.2f} ms. A look-up must also make two round trips that no implementation can skip: "
                f"the rate-limit counters in Redis ({b['rate_limit_counters_ms']} ms, already one pipelined round "
                f"trip) and the query ({b['query_ms']} ms), with Redis and PostgreSQL on the same "
                f"{results['machine']['cores']} cores. A "
                "look-up that did nothing else (no form rules, no page, no JSON) would therefore reach at most "
                f"about {ceiling:.0%} of /healthz here, below the 80 % goal before any validation "
                f"({b['form_validation_ms']} ms) or answer is counted. More workers would overlap the waits, but "
                "then the same cores run PostgreSQL and Redis as well. The goal cannot be met on this machine; "
                "with PostgreSQL and Redis on machines of their own, as in the capacity plan (docs/deploy.md), "
                "the comparison would have to be made again there.")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="registry sizes, ascending, comma-separated")
    parser.add_argument("--queries", type=int, default=4000)
    parser.add_argument("--http-seconds", type=int, default=15)
    parser.add_argument("--http-rounds", type=int, default=2)
    parser.add_argument("--http-sizes", default=None, help="sizes to run the HTTP part at (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--load-workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep rows already in the table (same generator)")
    add_docs_arguments(parser, "lookup")
    args = parser.parse_args()
    if args.render_only:
        render_saved("lookup", render_docs)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    run_started = time.monotonic()
    sizes = [int(s) for s in args.sizes.split(",")]
    http_sizes = {int(s) for s in args.http_sizes.split(",")} if args.http_sizes else set(sizes)
    ensure_database()
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG is off: pages need the manifest
    if not args.reuse:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
    rng = random.Random(1)
    results = {"date": datetime.now().strftime("%Y-%m-%d"), "machine": machine(), "sizes": [],
               "command": " ".join([".venv/bin/python", "bench/lookup.py", *sys.argv[1:]])}
    for size in sizes:
        print(f"{size:,} rows")
        load = load_rows(size, workers=args.load_workers)
        print(f"  loaded {load}")
        queries = sample_queries(size, args.queries, rng)
        query = time_selector(queries)
        print(f"  query {query}")
        entry = {"rows": size, "load": load, "query": query, "breakdown": time_breakdown(queries)}
        print(f"  breakdown {entry['breakdown']}")
        if size in http_sizes:
            entry["http"] = time_http(queries, seconds=args.http_seconds, rounds=args.http_rounds,
                                      workers=args.workers, concurrency=args.connections)
            h = entry["http"]
            print(f"  http healthz {h['healthz_rps']} req/s, page {h['lookup_rps']} req/s ({h['ratio']:.0%}), "
                  f"API {h['api_rps']} req/s ({h['api_ratio']:.0%})")
            for run in h["healthz"] + h["lookup"] + h["api"]:
                if run["non_2xx_3xx"] or run["socket_errors"]:
                    print(f"  WARNING: {run['non_2xx_3xx']} error responses, socket errors: {run['socket_errors']}")
        results["sizes"].append(entry)
        results["plan"] = server_plan(next(q for q, hit in queries if hit))
    print(results["plan"])
    results["load_average_at_end"] = round(os.getloadavg()[0], 1)
    results["elapsed_s"] = round(time.monotonic() - run_started)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lookup.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    if args.write_docs:
        write_docs(render_docs(results))


if __name__ == "__main__":
    main()
