"""Every page carries the strict policy headers, and production settings turn on what only makes
sense over HTTPS (HSTS, secure cookies, the redirect)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.test import Client
from django.urls import reverse

# What the policy must say, by rule: scripts, styles, fonts, connections and forms only from our own
# origin and nothing inline; images also from data: and blob: (a chosen photo's preview); nothing
# frames us, no plugin runs, no <base> moves our links.
OWN_ORIGIN_ONLY = ("default-src", "script-src", "style-src", "connect-src", "font-src", "manifest-src",
                   "worker-src", "form-action")
IMAGE_SOURCES = {"'self'", "data:", "blob:"}
NOTHING = ("frame-ancestors", "base-uri", "object-src")
PERMISSIONS = {"camera": "(self)", "geolocation": "(self)", "microphone": "()", "payment": "()", "usb": "()"}


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = sources
    return directives


def assert_strict_policy(directives: dict[str, list[str]], label=""):
    assert set(directives) == {*OWN_ORIGIN_ONLY, "img-src", *NOTHING}, label
    assert all(directives[name] == ["'self'"] for name in OWN_ORIGIN_ONLY), (label, directives)
    assert set(directives["img-src"]) == IMAGE_SOURCES, label
    assert all(directives[name] == ["'none'"] for name in NOTHING), label


def parse_permissions(header: str) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in header.split(","))


def assert_hardened(response, label=""):
    assert_strict_policy(parse_policy(response["Content-Security-Policy"]), label)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY", label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "same-origin", label
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", label
    permissions = parse_permissions(response["Permissions-Policy"])
    assert PERMISSIONS.items() <= permissions.items(), label
    assert all(allow in ("()", "(self)") for allow in permissions.values()), label


def test_every_page_carries_the_strict_headers(site_pages):
    seen = set()
    for page in site_pages:
        response = page.client.get(page.url)
        assert response.status_code in (200, 404), (page.name, response.status_code)
        assert_hardened(response, page.name)
        seen.add(page.name)
    assert {"step personal", "photos", "confirmation", "account home", "desk declaration", "desk officers",
            "desk assisted step", "api docs", "not found"} <= seen


def test_the_api_docs_need_no_inline_script(client):
    page = client.get("/api/v1/docs").content.decode()
    # Only <script src=…> and a JSON data block, which the browser never runs.
    for tag in page.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening


def test_a_refused_post_and_an_api_error_carry_the_headers_too(db):
    assert_hardened(Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {}))
    assert_hardened(Client().get("/api/v1/khong-co"))


def test_hsts_on_https_answers(client, settings):
    settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = 31536000, True
    settings.SECURE_HSTS_PRELOAD = False
    assert client.get("/healthz", secure=True)["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/healthz")  # never on plain HTTP


def test_cookies_are_http_only_and_same_site(client, db):
    response = client.get(reverse("accounts:login"))
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    client.post(reverse("declarations:start"))
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def _settings_in(env: dict) -> dict:
    """The settings module imported in a fresh process with this environment."""
    names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
             "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
             "SECURE_PROXY_SSL_HEADER", "X_FRAME_OPTIONS", "SECURE_CROSS_ORIGIN_OPENER_POLICY",
             "CONTENT_SECURITY_POLICY", "VSSID_PERMISSIONS_POLICY", "MIDDLEWARE"]
    code = f"import json, vssid.settings as s; print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VSSID_", "SECRET_KEY", "DEBUG"))}
    done = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


PRODUCTION = {
    "VSSID_ENV": "production", "SECRET_KEY": "p" * 50, "ALLOWED_HOSTS": "dichvucong.example.vn",
    # Production refuses to start without its data keys (docs/encryption.md); any well-formed ones do here.
    "VSSID_DATA_KEYS": "k1:" + "A" * 43, "VSSID_FINGERPRINT_KEY": "B" * 43,
}


def test_production_settings_are_hardened():
    s = _settings_in(PRODUCTION)
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_HSTS_PRELOAD"] is False  # hard to undo: an explicit choice
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert_strict_policy(s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"])
    assert PERMISSIONS.items() <= s["VSSID_PERMISSIONS_POLICY"].items()
    assert {"csp.middleware.CSPMiddleware", "vssid.core.security.PermissionsPolicyMiddleware"} <= set(s["MIDDLEWARE"])


def test_hsts_preload_and_its_length_come_from_the_environment():
    s = _settings_in({**PRODUCTION, "VSSID_HSTS_PRELOAD": "1", "VSSID_HSTS_SECONDS": "63072000"})
    assert s["SECURE_HSTS_PRELOAD"] is True and s["SECURE_HSTS_SECONDS"] == 63072000


def test_development_sends_no_hsts_and_allows_plain_cookies():
    s = _settings_in({})
    assert s["SECURE_HSTS_SECONDS"] == 0 and not s["SECURE_SSL_REDIRECT"]
    assert not s["SESSION_COOKIE_SECURE"] and not s["CSRF_COOKIE_SECURE"]
    assert_strict_policy(s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"])  # the same policy everywhere


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def test_no_page_template_has_inline_script_or_style():
    """What the policy would block, caught before a browser does. Emails are not pages: mail
    clients need their inline styles, and no CSP applies to them."""
    import vssid

    root = Path(vssid.__file__).parent
    pages = [t for t in root.glob("*/templates/**/*.html") if "email" not in t.parts and t.parent.name != "notify"]
    assert len(pages) > 40
    offenders = {str(t.relative_to(root)): INLINE.findall(t.read_text()) for t in pages}
    assert {name: found for name, found in offenders.items() if found} == {}
