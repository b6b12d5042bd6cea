"""Known versus unknown identifiers: how long each endpoint that tests one takes to answer, so that
"the same answer in similar time" is measured rather than assumed (the tests assert the same
answers and the same work; they never time anything).

    .venv/bin/python bench/enumeration.py                  # figures printed
    .venv/bin/python bench/enumeration.py --write-docs     # and the "Enumeration" section of docs/benchmarks.md

One process, one run: every request goes through the whole Django stack (middleware, CSRF, the
view, the service, PostgreSQL, the Redis counters) with Django's test client, known and unknown
alternating in a shuffled order, so both see the same warm caches and the same machine load. The
production password hasher (Argon2, the settings' parameters) is used. Rate limits are raised
through the environment (no code changes); between two attempts, outside the timed part, the
known account's failure count and reset requests are cleared so that every attempt takes the path
a first attempt takes (no lock, no hourly cap), and every unknown attempt uses a new identifier.

Endpoints: the web login and the API login (an existing account and a wrong password, against an
identifier nobody has), the web and API reset request (an existing account against nobody; the
SMS is queued, never sent while timing), and the look-up page ("nobody" against "several people":
the two answers that must look alike; a single match is meant to differ, it shows the number).

Needs PostgreSQL at 127.0.0.1:5432 (database ``vssid_bench_enumeration``, created and migrated)
and Redis at 127.0.0.1:6379 (database 13 is flushed). Results go to bench/out/enumeration.json.
"""
import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import date

from common import (OUT, SERVER_URL, UNLIMITED, add_docs_arguments, markdown_table, percentile, render_saved,
                    save_results)

DATABASE = "vssid_bench_enumeration"
PASSWORD = "Hoa-sen-mua-he-2025"

os.environ.update({
    "DJANGO_SETTINGS_MODULE": "vssid.settings",
    "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "VSSID_VAR_DIR": str(OUT / "enumeration-var"),
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    **{name: UNLIMITED for name in (
        "VSSID_LOGIN_RATE_PER_CLIENT", "VSSID_LOGIN_RATE_PER_SESSION", "VSSID_RESET_RATE_PER_CLIENT",
        "VSSID_RESET_RATE_PER_SESSION", "VSSID_RESET_RATE_PER_IDENTIFIER", "VSSID_LOOKUP_RATE_PER_CLIENT",
        "VSSID_LOOKUP_RATE_PER_PERSON", "VSSID_LOOKUP_RATE_PER_SESSION")},
})


def _create_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")


def _setup():
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: pages use the manifest
    caches["default"].clear()
    return _fixture_account()


def _fixture_account():
    """A submitted declaration's account with a chosen password (made once, reused by later runs)."""
    import secrets
    from datetime import UTC, datetime

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from vssid.accounts import services
    from vssid.accounts.models import CitizenAccount
    from vssid.declarations.models import Declaration
    from vssid.places.models import Office
    from vssid.registry.records import PersonRecord
    from vssid.registry.services import upsert_records

    number, document = "0139999991", "001095099991"
    account = services.find_account(number)
    if account is None:
        office = Office.objects.select_related("province", "commune").order_by("code").first()
        declaration = Declaration.objects.create(
            status=Declaration.Status.SUBMITTED, full_name="Phạm Văn Thử", date_of_birth=date(1995, 4, 12),
            sex=Declaration.Sex.MALE, social_insurance_number=number, id_document_type=Declaration.DocumentType.CCCD,
            id_document_number=document, mobile_phone="+84912399991", email="thu.pham@example.vn",
            address_province=office.province, address_commune=office.commune, address_street="Số 1",
            office=office, email_declaration=False, reference_code="BENCHENUM1",
            confirmation_token=secrets.token_urlsafe(32), submitted_at=datetime(2025, 7, 5, 3, tzinfo=UTC),
            visit_due_date=date(2025, 8, 5),
        )
        with transaction.atomic():
            account = services.activate_account(declaration).account
    CitizenAccount.objects.filter(pk=account.pk).update(password=make_password(PASSWORD), must_change_password=False)
    # Two registry people the look-up cannot tell apart (no ID number, same name and birthday).
    twin = dict(full_name="Lê Thị Sinh Đôi", date_of_birth=date(1991, 5, 6), birth_year_only=False, sex="female",
                province_code="79", id_number="", phone="")
    upsert_records([PersonRecord(social_insurance_number="7999999901", **twin),
                    PersonRecord(social_insurance_number="7999999902", **twin)])
    return account


def _unknown_number(rng) -> str:
    return f"01{rng.randrange(10**8):08d}"


def _scenarios(account, rng):
    """name -> (known attempt, unknown attempt, cleanup after a known one); each attempt returns
    the response."""
    from django.test import Client

    from vssid.accounts.models import CitizenAccount, PasswordReset

    web, api = Client(), Client()
    username = account.username

    def clear_failures():
        CitizenAccount.objects.filter(pk=account.pk).update(failed_attempts=0, last_failed_at=None, locked_until=None)

    def clear_resets():
        PasswordReset.objects.filter(account=account).delete()

    def web_login(identifier):
        return web.post("/tai-khoan/dang-nhap/", {"identifier": identifier, "password": "Sai-mat-khau-99"})

    def api_login(identifier):
        return api.post("/api/v1/account/login", json.dumps({"identifier": identifier, "password": "Sai-mat-khau-99"}),
                        content_type="application/json")

    def web_reset(identifier):
        return web.post("/tai-khoan/quen-mat-khau/", {"identifier": identifier, "channel": "sms"})

    def api_reset(identifier):
        return api.post("/api/v1/account/password-reset", json.dumps({"identifier": identifier, "channel": "sms"}),
                        content_type="application/json")

    def lookup(full_name):
        return web.post("/tra-cuu-ma-so-bhxh/", {
            "province": "79", "full_name": full_name, "dob_day": "6", "dob_month": "5", "dob_year": "1991",
            "id_number": "", "no_id_document": "on"})

    return {
        "web login": (lambda: web_login(username), lambda: web_login(_unknown_number(rng)), clear_failures, 200),
        "API login": (lambda: api_login(username), lambda: api_login(_unknown_number(rng)), clear_failures, 401),
        "web reset request": (lambda: web_reset(username), lambda: web_reset(_unknown_number(rng)), clear_resets, 302),
        "API reset request": (lambda: api_reset(username), lambda: api_reset(_unknown_number(rng)), clear_resets, 202),
        "look-up (several vs nobody)": (lambda: lookup("Lê Thị Sinh Đôi"), lambda: lookup("Lê Thị Không Có"),
                                        lambda: None, 200),
    }


def measure(rounds: dict[str, int], seed: int) -> dict:
    account = _setup()
    rng = random.Random(seed)
    results = {}
    for name, (known, unknown, cleanup, status) in _scenarios(account, rng).items():
        timings = {"known": [], "unknown": []}
        for _warm_up in range(3):
            known(), cleanup(), unknown()
        for _round in range(rounds.get(name, rounds["default"])):
            for side in rng.sample(["known", "unknown"], 2):
                attempt = known if side == "known" else unknown
                started = time.perf_counter()
                response = attempt()
                timings[side].append((time.perf_counter() - started) * 1000)
                assert response.status_code == status, (name, side, response.status_code)
                if side == "known":
                    cleanup()
        results[name] = {
            side: {"n": len(values), "median_ms": statistics.median(values), "p95_ms": percentile(values, 0.95)}
            for side, values in timings.items()
        }
        print(f"{name:30} known {results[name]['known']['median_ms']:7.2f} / {results[name]['known']['p95_ms']:7.2f} ms"
              f"   unknown {results[name]['unknown']['median_ms']:7.2f} / {results[name]['unknown']['p95_ms']:7.2f} ms"
              "   (median / p95)")
    return results


def _table_row(name: str, known: dict, unknown: dict) -> list[str]:
    return [name, str(known["n"]), f"{known['median_ms']:.2f} ms", f"{known['p95_ms']:.2f} ms",
            f"{unknown['median_ms']:.2f} ms", f"{unknown['p95_ms']:.2f} ms",
            f"{known['median_ms'] - unknown['median_ms']:+.2f} ms"]


def render_docs(report: dict) -> str:
    lines = [
        "## Enumeration",
        "",
        f"Measured {report['date']} by `bench/enumeration.py` on {report['cpus']} cores, Python {report['python']}, "
        f"PostgreSQL and Redis on the same machine, the production Argon2 parameters; one process, one run, known "
        f"and unknown alternating in a shuffled order (seed {report['seed']}). Each time is one whole request through "
        "Django's test client (middleware, CSRF, view, service, database, Redis counters), so it is the server's "
        "share of what a client would see; the network adds its own jitter on top. The machine was shared: its "
        f"1-minute load average was {report['load_before']:.1f} at the start and {report['load_after']:.1f} at the end.",
        "",
        *markdown_table(["endpoint", "requests each", "known: median", "known: p95", "unknown: median",
                         "unknown: p95", "median difference"],
                        (_table_row(name, **sides) for name, sides in report["results"].items())),
    ]
    lines += [
        "",
        "Known means an existing account with a wrong password (login) or an existing account (reset request); "
        "for the look-up, two registry people the answer cannot tell apart against nobody. Both logins cost one "
        "Argon2 computation (the unknown identifier hashes the typed password at the current cost), which dominates "
        "their time; with the machine this loaded, one Argon2 computation took several times its idle ~95 ms. "
        "A reset request, known or not, counts the attempt and queues one job; the worker does the rest. What "
        "remains differs by a query or a write: an unknown 10-digit identifier is also tried as an ID number "
        "(one more indexed query), a known login records the failure in its row, an unknown one in Redis. Each "
        "identifier gets a handful of attempts (login: locked after 5, for known and unknown alike; reset: 3 an hour "
        "per identifier typed), far too few samples to see differences of a few milliseconds through a network's "
        "jitter. See docs/security.md, \"Enumeration\".",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300, help="pairs per endpoint (logins: a third of it)")
    parser.add_argument("--seed", type=int, default=7)
    add_docs_arguments(parser, "enumeration")
    args = parser.parse_args()
    if args.render_only:
        render_saved("enumeration", render_docs)
        return

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    _create_database()
    load_before = os.getloadavg()[0]
    logins = max(10, args.rounds // 3)  # Argon2 at production cost: ~0.1 s a login
    results = measure({"default": args.rounds, "web login": logins, "API login": logins}, args.seed)
    report = {
        "date": date.today().isoformat(), "cpus": os.cpu_count(), "python": platform.python_version(),
        "seed": args.seed, "load_before": load_before, "load_after": os.getloadavg()[0], "results": results,
    }
    save_results("enumeration", report, render_docs, write_docs_too=args.write_docs)


if __name__ == "__main__":
    main()
