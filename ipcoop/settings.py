"""Settings for ipcoop, all read from the environment.

Safe defaults for a laptop (SQLite under var/, console e-mail, DEBUG on) and a
refusal to start in production mode with an unsafe configuration.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("IPCOOP_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


IPCOOP_ENV = os.environ.get("IPCOOP_ENV", "development")
if IPCOOP_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"IPCOOP_ENV must be 'development' or 'production', not {IPCOOP_ENV!r}."
    )
PRODUCTION = IPCOOP_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)

_DEV_SECRET = "development-only-secret-not-for-production-use-0123456789abcdef"  # noqa: S105 (refused in production)
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)


def weak_secret(secret: str) -> bool:
    """Django's own rule for a weak key (check security.W009), applied before start-up."""
    return (
        len(secret) < 50
        or len(set(secret)) < 5
        or secret.startswith("django-insecure-")
        or secret == _DEV_SECRET
    )


if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("Production mode needs SECRET_KEY in the environment.")
    if weak_secret(SECRET_KEY):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DEBUG on.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The Ed25519 key that signs Academy certificates (Open Badges): a PKCS#8 PEM or the
# base64 of a 32-byte seed (openssl genpkey -algorithm ed25519). Development makes one
# under var/. Earlier public keys (z6Mk…, comma-separated) still verify what they signed.
IPCOOP_SIGNING_KEY = os.environ.get("IPCOOP_SIGNING_KEY", "")
IPCOOP_RETIRED_SIGNING_KEYS = os.environ.get("IPCOOP_RETIRED_SIGNING_KEYS", "")
if PRODUCTION and not IPCOOP_SIGNING_KEY:
    raise ImproperlyConfigured(
        "Production mode needs IPCOOP_SIGNING_KEY (Ed25519, PEM or base64 seed) to sign "
        "certificates."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "ninja",
    "ipcoop.people",
    "ipcoop.exchange.practice",
    "ipcoop.exchange.updates",
    "ipcoop.exchange.consultations",
    "ipcoop.exchange.statistics",
    "ipcoop.search",
    "ipcoop.worksharing",
    "ipcoop.academy",
    "ipcoop.analytics",
    "ipcoop.credentials",
    "ipcoop.classes",
    "ipcoop.meetings",
    "ipcoop.proposals",
    "ipcoop.projects",
    "ipcoop.notifications",
    "ipcoop.ops",
    "ipcoop.web",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "ipcoop.web.middleware.RefuseNulCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ipcoop.people.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ipcoop.people.middleware.TwoFactorRequiredMiddleware",
    "ipcoop.web.pagecache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "ipcoop.urls"
WSGI_APPLICATION = "ipcoop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ipcoop.web.context_processors.shell",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    # The embedded default: a SQLite file under var/, made on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ipcoop.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A PostgreSQL that does not answer fails the request in seconds (a 503 page, see
    # ipcoop/web/unavailable.py) instead of holding a worker for minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DB_CONNECT_TIMEOUT", "3")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once under several gunicorn workers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
# Django's model backend, reading a signed-in person with their kept pages' tokens.
AUTHENTICATION_BACKENDS = ["ipcoop.people.backends.ReaderBackend"]
LOGIN_URL = "people:signin"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling: failures counted from the audit log, so every host agrees.
SIGNIN_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("SIGNIN_FAILURE_WINDOW_MINUTES", "15"))
SIGNIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("SIGNIN_FAILURE_LIMIT_PER_ADDRESS", "30"))
# Office staff (office admin, examiner, policy officer of an IP office or the Secretariat)
# and platform admins must set up two-factor sign-in (TOTP) before anything else; on in
# every environment
# (the demo accounts for office staff have a known demo secret: see seed-demo).
REQUIRE_STAFF_TWO_FACTOR = env_bool("REQUIRE_STAFF_TWO_FACTOR", True)

# The platform's public address, for links in e-mails sent outside a request
# (digests, urgent mail), e.g. https://ipcoop.example.org.
IPCOOP_BASE_URL = os.environ.get("IPCOOP_BASE_URL", "").rstrip("/")

# Requests per client per window ("10/h", "5/10m"); see ipcoop/ratelimit.py.
RATE_LIMITS = {
    scope: os.environ.get(f"RATE_LIMIT_{scope.upper()}", default)
    for scope, default in {
        "signin": "30/10m",  # sign-in attempts per address
        "signup": "10/h",  # new accounts per address
        "password_reset": "5/h",  # reset e-mails asked for per address
        "token_failure": "30/10m",  # API requests with a wrong token per address
        "token": "600/m",  # API requests per token
        "search": "120/m",  # searches per address
        "verify": "60/m",  # certificate checks (page and API) per address
        "class_signin": "30/10m",  # class joins and picture sign-ins per address
    }.items()
}
# How many proxies in front of the app set X-Forwarded-For (0: trust only REMOTE_ADDR).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ko", "한국어"),
    ("id", "Bahasa Indonesia"),
    ("ms", "Bahasa Melayu"),
    ("th", "ไทย"),
    ("vi", "Tiếng Việt"),
    ("fil", "Filipino"),
    ("km", "ខ្មែរ"),
    ("lo", "ລາວ"),
    ("my", "မြန်မာ"),
]
# Each language has a catalogue under ipcoop/locale (even a short one), so Django
# accepts it from the cookie or the browser; missing strings fall back to English.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "ipcoop_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down or hanging, pages are served without the cache.
            "BACKEND": "ipcoop.lib.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ipcoop",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages as visitors see them, kept for seconds in each worker's memory
# (ipcoop/web/pagecache.py): faster than any network cache, and nothing to share.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "public-pages",
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PUBLIC_PAGE_CACHE_ENTRIES", "2000"))},
}
# Costly pages as one signed-in reader sees them, kept compressed in each worker's
# memory while the data they show is unchanged (ipcoop/web/pagecache.py, generations.py).
# READER_PAGES=off makes every page on every request (the benchmarks measure both).
CACHES["reader-pages"] = (
    {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "reader-pages",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("READER_PAGE_CACHE_ENTRIES", "2000"))},
    }
    if env_bool("READER_PAGES", True)
    else {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
)

# E-mail goes to the console in development and to an SMTP server in production.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ipcoop <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (django.tasks): in production they wait in the database for the worker
# (`ipcoop db_worker`); in development they run at once, inside the request.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django.tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# Content-Security-Policy: no inline scripts or styles anywhere, no third-party hosts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No script reads these cookies (htmx takes the CSRF token from the page).
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
# Kept in the database; with Redis, read from it (no query per request) and written to
# both (ipcoop/people/sessions.py).
SESSION_ENGINE = "ipcoop.people.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

IPCOOP_DEMO_PASSWORD = os.environ.get("IPCOOP_DEMO_PASSWORD", "ipcoop-demo-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50
