"""Configuration from the environment, with safe development defaults."""
import os
import subprocess
import sys


def _load_settings(**env):
    return _print_settings("s.DEBUG, s.SESSION_COOKIE_SECURE, s.DATABASES['default']['ENGINE']", **env)


def _print_settings(expression: str, **env):
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "VSSID_ENV", "DATABASE_URL", "REDIS_URL",
                                                     "VSSID_DATA_KEYS", "VSSID_FINGERPRINT_KEY",
                                                     "DATABASE_SERVER_SIDE_BINDING")}
    return subprocess.run(
        [sys.executable, "-c", f"import vssid.settings as s; print({expression})"],
        env={**clean, **env}, capture_output=True, text=True,
    )


def test_production_refuses_the_development_secret():
    result = _load_settings(VSSID_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret():
    assert _load_settings(VSSID_ENV="production", SECRET_KEY="short").returncode != 0


# Keys of the personal data at rest (docs/encryption.md), as `vssid keys generate` prints them.
PRODUCTION_KEYS = {"VSSID_DATA_KEYS": "k1:" + "A" * 43, "VSSID_FINGERPRINT_KEY": "B" * 43}


def test_production_refuses_to_start_without_the_data_keys():
    for missing in PRODUCTION_KEYS:
        keys = {name: value for name, value in PRODUCTION_KEYS.items() if name != missing}
        result = _load_settings(VSSID_ENV="production", SECRET_KEY="x" * 50, **keys)
        assert result.returncode != 0 and "VSSID_DATA_KEYS" in result.stderr


def test_production_with_a_real_secret_is_secure_and_not_debug():
    result = _load_settings(VSSID_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="vssid.example.vn",
                            **PRODUCTION_KEYS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["False", "True"]


def test_database_url_selects_postgresql():
    result = _load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/vssid")
    assert result.stdout.split()[2] == "django.db.backends.postgresql"


def test_development_default_is_sqlite_and_debug():
    result = _load_settings()
    assert result.stdout.split() == ["True", "False", "django.db.backends.sqlite3"]


def test_postgresql_binds_parameters_on_the_server_unless_told_not_to():
    options = "s.DATABASES['default'].get('OPTIONS', {}).get('server_side_binding', False)"
    postgres = "postgres://postgres@127.0.0.1:5432/vssid"
    assert _print_settings(options, DATABASE_URL=postgres).stdout.split() == ["True"]
    assert _print_settings(options, DATABASE_URL=postgres, DATABASE_SERVER_SIDE_BINDING="0").stdout.split() == ["False"]
    assert _print_settings(options).stdout.split() == ["False"]  # SQLite has no such option


def test_sessions_are_read_from_redis_when_there_is_one():
    engine = "s.SESSION_ENGINE"
    assert _print_settings(engine, REDIS_URL="redis://127.0.0.1:6379/15").stdout.strip() == "vssid.core.sessions"
    assert _print_settings(engine).stdout.strip() == "django.contrib.sessions.backends.db"
