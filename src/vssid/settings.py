"""One settings module, configured from the environment.

Development defaults work out of the box (SQLite, files under ./var, mail and SMS written to disk);
production is selected with VSSID_ENV=production and then refuses the development secret.
"""
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import fontpkg_be_vietnam_pro

from django.core.exceptions import ImproperlyConfigured

from vssid.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("VSSID_VAR_DIR", Path.cwd() / "var")).resolve()

ENVIRONMENT = os.environ.get("VSSID_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 32+ characters in production.")

# Personal data at rest (docs/encryption.md): key-encryption keys as "id:base64url(32 bytes)", comma
# separated, the first current and the others only to open older values; and the key of the
# identifiers' fingerprints. Unset, both are derived from SECRET_KEY: development only.
VSSID_DATA_KEYS = [k.strip() for k in os.environ.get("VSSID_DATA_KEYS", "").split(",") if k.strip()]
VSSID_FINGERPRINT_KEY = os.environ.get("VSSID_FINGERPRINT_KEY", "").strip()
if PRODUCTION and not (VSSID_DATA_KEYS and VSSID_FINGERPRINT_KEY):
    raise ImproperlyConfigured("VSSID_DATA_KEYS and VSSID_FINGERPRINT_KEY must be set in production "
                               "(`vssid keys generate`).")

DEBUG = os.environ.get("DEBUG", "0" if PRODUCTION else "1") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",  # officers of the desk (vssid.desk); citizens have their own accounts
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "vssid.core",
    "vssid.places",
    "vssid.photos",
    "vssid.declarations",
    "vssid.registry",
    "vssid.notify",
    "vssid.accounts",
    "ninja", "vssid.api",  # ninja: its Swagger UI files are served from here, never from a CDN
    "vssid.desk",
]

MIDDLEWARE = [
    # First: request id, request log line and metrics for every answer, static files included.
    "vssid.core.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: pages get the policy headers, static files need none (docs/security.md).
    "csp.middleware.CSPMiddleware",
    "vssid.core.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vssid.core.language.ChosenLanguageMiddleware",  # pages: Vietnamese unless English was chosen
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "vssid.urls"
CSRF_FAILURE_VIEW = "vssid.core.views.csrf_failure"
WSGI_APPLICATION = "vssid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Django's, with <input> widgets built as strings: the same markup at a fraction of the cost.
FORM_RENDERER = "vssid.core.widgets.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vssid.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web + worker) share the file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the SQL text, so psycopg prepares a statement the fifth time it runs
    # on a connection and PostgreSQL stops planning it on every request (a read of a draft joined
    # to four tables: 0.69 → 0.25 ms). Behind PgBouncer in transaction mode this needs
    # PgBouncer ≥ 1.21 with max_prepared_statements set, or DATABASE_SERVER_SIDE_BINDING=0.
    if os.environ.get("DATABASE_SERVER_SIDE_BINDING", "1") == "1":
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Counters (rate limits) and cached reads are shared by every process: Redis in production
# (REDIS_URL), a database table on the embedded default.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vssid_cache"}}
VSSID_RATELIMIT_CACHE = "default"
VSSID_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("VSSID_TRUSTED_PROXIES", "").split(",") if p.strip()]
# Look-ups of a mã số BHXH (registry): attempts per client address and per person looked up ("N/h").
VSSID_LOOKUP_RATE_PER_CLIENT = os.environ.get("VSSID_LOOKUP_RATE_PER_CLIENT", "10/h")
VSSID_LOOKUP_RATE_PER_PERSON = os.environ.get("VSSID_LOOKUP_RATE_PER_PERSON", "5/h")
# Per browser session too (web only): tighter than per address, which many phones may share.
VSSID_LOOKUP_RATE_PER_SESSION = os.environ.get("VSSID_LOOKUP_RATE_PER_SESSION", "6/h")

# Officers' passwords (vssid.desk): Argon2 first (architecture.md: ~95 ms a hash, so logins are
# rate-limited); PBKDF2 stays listed so a hash made by Django's default is still checked and upgraded.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The office desk: photos are deleted this many days after the declaration is activated, rejected,
# expired or cancelled (their fingerprints stay).
VSSID_PHOTO_RETENTION_DAYS = int(os.environ.get("VSSID_PHOTO_RETENTION_DAYS", "30"))
# Drafts never sent are deleted, photos included, after this many days without a change.
VSSID_DRAFT_RETENTION_DAYS = int(os.environ.get("VSSID_DRAFT_RETENTION_DAYS", "30"))

# Sessions hold the draft's id only; the answers live in the database so a closed tab loses nothing.
# With Redis, the sessions in use are read from there and the database stays the record
# (vssid/core/sessions.py); without Redis, the database alone.
SESSION_ENGINE = "vssid.core.sessions" if os.environ.get("REDIS_URL") else "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 45  # a bookmarked confirmation must still open after the visit window
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Web hardening (docs/security.md) -------------------------------------------------------------
# No script reads either cookie (forms carry the CSRF token), so neither is visible to one.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# HSTS is sent on HTTPS answers only; subdomains are included, preloading is a deliberate opt-in
# (it is hard to undo), so it is off unless VSSID_HSTS_PRELOAD=1.
SECURE_HSTS_SECONDS = int(os.environ.get("VSSID_HSTS_SECONDS", 60 * 60 * 24 * 365 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("VSSID_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("VSSID_HSTS_PRELOAD", "0") == "1"
# Plain HTTP is redirected in production; probes on the private network stay on HTTP.
SECURE_SSL_REDIRECT = os.environ.get("VSSID_SSL_REDIRECT", "1" if PRODUCTION else "0") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Only our own files run, style and load; nothing may frame a page. The Swagger UI's page
# (/api/v1/docs) has the same policy: django-ninja loads it without inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],  # previews of a chosen photo are blob: URLs
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}


def _s3_origin() -> str:
    """The origin of the links PrivateS3Storage signs (path-style): the endpoint's, or AWS's own
    regional name, where botocore keeps the global one for us-east-1."""
    endpoint = os.environ.get("VSSID_S3_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint.strip())
        return f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2].lower()}"
    region = os.environ.get("VSSID_S3_REGION") or "us-east-1"
    return "https://s3.amazonaws.com" if region == "us-east-1" else f"https://s3.{region}.amazonaws.com"


# With the photos in a bucket, the desk's script fetches them (encrypted) by signed links from the
# S3 server (docs/storage.md, "How officers see photos"): that origin may be connected to, no other.
if os.environ.get("VSSID_S3_BUCKET", "").strip():
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"].append(_s3_origin())
# The scan page uses the camera, the office step the location; nothing else is allowed.
VSSID_PERMISSIONS_POLICY = {
    "camera": "(self)", "geolocation": "(self)", "microphone": "()", "payment": "()", "usb": "()",
    "fullscreen": "()", "display-capture": "()", "accelerometer": "()", "gyroscope": "()", "magnetometer": "()",
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Development serves static files from the apps (WHITENOISE_USE_FINDERS); production from collectstatic.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or (None if DEBUG else str(VAR_DIR / "static"))
STATICFILES_DIRS = [("fonts", Path(fontpkg_be_vietnam_pro.__file__).parent / "files")]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "files"},
    },
    # Photos and PDFs: a storage without URLs, so nothing stored here is ever addressable; views
    # stream it after checking who is asking.
    "private": {
        "BACKEND": "vssid.core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
# Or a private bucket of an S3-compatible server, when one is named (docs/storage.md). Empty keys
# leave boto3 to find credentials itself (an instance role).
VSSID_S3_BUCKET = os.environ.get("VSSID_S3_BUCKET", "").strip()
if VSSID_S3_BUCKET:
    STORAGES["private"] = {
        "BACKEND": "vssid.core.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": VSSID_S3_BUCKET,
            "endpoint_url": os.environ.get("VSSID_S3_ENDPOINT_URL") or None,  # None: AWS itself
            "access_key": os.environ.get("VSSID_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("VSSID_S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("VSSID_S3_REGION") or "us-east-1",
            "presign_seconds": int(os.environ.get("VSSID_S3_PRESIGN_SECONDS", "60")),
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
# Browsers install the app from this file; WhiteNoise does not know its extension.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# Uploads: one photo may be 10 MB; larger request bodies are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
VSSID_PHOTO_MAX_BYTES = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("VSSID_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "outbox" / "email"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BHXH Việt Nam <no-reply@vssid.local>")

# SMS (docs/accounts.md): the gateway class, by dotted path. The default writes every message to
# files in VSSID_SMS_OUTBOX_DIR, listed at /_outbox/sms/ (development or staff only);
# vssid.notify.sms.HttpSmsGateway POSTs JSON to a real provider.
VSSID_SMS_GATEWAY = os.environ.get("VSSID_SMS_GATEWAY", "vssid.notify.sms.OutboxSmsGateway")
VSSID_SMS_OUTBOX_DIR = Path(os.environ.get("VSSID_SMS_OUTBOX_DIR", VAR_DIR / "outbox" / "sms"))
VSSID_SMS_HTTP_URL = os.environ.get("VSSID_SMS_HTTP_URL", "")
VSSID_SMS_HTTP_AUTH = os.environ.get("VSSID_SMS_HTTP_AUTH", "bearer")  # basic, bearer or none
VSSID_SMS_HTTP_USERNAME = os.environ.get("VSSID_SMS_HTTP_USERNAME", "")
VSSID_SMS_HTTP_PASSWORD = os.environ.get("VSSID_SMS_HTTP_PASSWORD", "")
VSSID_SMS_HTTP_TOKEN = os.environ.get("VSSID_SMS_HTTP_TOKEN", "")
VSSID_SMS_HTTP_TIMEOUT = float(os.environ.get("VSSID_SMS_HTTP_TIMEOUT", "10"))
VSSID_SMS_SENDER = os.environ.get("VSSID_SMS_SENDER", "BHXH")  # the registered brand name

# Citizens' accounts (vssid.accounts, docs/accounts.md). Argon2 costs ~95 ms a hash: attempts per
# client address are limited ("N/period"); generous, since mobile networks put many phones behind
# one address. Reset requests are limited per client and per identifier typed (SMS cost money).
VSSID_LOGIN_RATE_PER_CLIENT = os.environ.get("VSSID_LOGIN_RATE_PER_CLIENT", "30/15m")
VSSID_RESET_RATE_PER_CLIENT = os.environ.get("VSSID_RESET_RATE_PER_CLIENT", "10/h")
VSSID_RESET_RATE_PER_IDENTIFIER = os.environ.get("VSSID_RESET_RATE_PER_IDENTIFIER", "3/h")
VSSID_RESET_CODE_RATE_PER_CLIENT = os.environ.get("VSSID_RESET_CODE_RATE_PER_CLIENT", "20/h")
# The same pages per browser session (docs/security.md, "Rate limits").
VSSID_LOGIN_RATE_PER_SESSION = os.environ.get("VSSID_LOGIN_RATE_PER_SESSION", "10/15m")
VSSID_RESET_RATE_PER_SESSION = os.environ.get("VSSID_RESET_RATE_PER_SESSION", "5/h")
VSSID_RESET_CODE_RATE_PER_SESSION = os.environ.get("VSSID_RESET_CODE_RATE_PER_SESSION", "10/h")
# Citizens' password rules, with Vietnamese messages (officers have their own, see vssid.desk).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "vssid.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "vssid.accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "vssid.accounts.password_validation.NumericPasswordValidator"},
    {"NAME": "vssid.accounts.password_validation.PersonalNumberValidator"},
]

# The declaration must be completed at the office within this many days of submission.
VSSID_VISIT_DUE_DAYS = int(os.environ.get("VSSID_VISIT_DUE_DAYS", "30"))
# Public address used in emails and the PDF's QR code.
VSSID_PUBLIC_URL = os.environ.get("VSSID_PUBLIC_URL", "http://localhost:8000")

# --- Operations (docs/deploy.md) ------------------------------------------------------------------
# Logs: one JSON object a line in production, text in development (LOG_FORMAT=json|plain), both
# redacted (vssid.core.logs). Request lines name the route, never the path.
LOGGING = logging_config(level=os.environ.get("LOG_LEVEL", "INFO"))
# /metrics (Prometheus): only with "Authorization: Bearer <token>" when set; hidden in production
# without one. PROMETHEUS_MULTIPROC_DIR (set by the gunicorn configuration) adds up the processes.
VSSID_METRICS_TOKEN = os.environ.get("VSSID_METRICS_TOKEN", "")
