"""One settings module, driven by environment variables (see README: Production)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = bool(os.environ.get("PYTEST_VERSION"))
# The fallback keeps management commands usable in development; wsgi.py refuses to serve
# with it when DEBUG is off, and `check --deploy` flags it.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Locks out repeated failed sign-ins (see "Sign-in" below).
    "axes",
    # The Content-Security-Policy header (see "Content-Security-Policy" below).
    "csp",
    "simple_history",
    "organisations",
    "plans",
    "exchange",
    "stats",
    "followup",
    "reports",
    "records",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policy too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "handlingskraft.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages and downloads carry Cache-Control: no-store.
    "handlingskraft.middleware.NoStoreMiddleware",
    # Deny by default: every view needs a signed-in user unless marked login_not_required.
    "handlingskraft.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session that has lasted SESSION_ABSOLUTE_AGE, however active it has been.
    "handlingskraft.middleware.SessionAbsoluteLimitMiddleware",
    # Records who made each change in the audit trail.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "handlingskraft.urls"
WSGI_APPLICATION = "handlingskraft.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database (the demo and small installs; production is PostgreSQL), used by
    # several people at once: every server process writes the same file, one writer at a
    # time. Measured with 20 people autosaving (`manage.py bench_autosave`, docs/benchmarks.md).
    DATABASES["default"]["OPTIONS"] = {
        # A transaction takes the write lock at BEGIN and waits its turn there. Deferred, one
        # that has read and then wants to write after another writer fails at once with
        # "database is locked" (waiting could deadlock): most of the autosaves that failed.
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for the lock before "database is locked": far beyond the
        # longest write (a big draft's copy or deletion, about a second), so writers queue
        # rather than fail, and below gunicorn's and a proxy's time limits.
        "timeout": 30,
        # WAL: readers never wait for the writer nor the writer for readers. synchronous=FULL
        # (SQLite's default, kept explicit): an acknowledged save survives a power cut; NORMAL
        # would save half a millisecond a commit, which measurement showed no need for.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in. django-axes counts failed sign-ins per user name and address and, after
# SIGN_IN_FAILURE_LIMIT of them, refuses that pair for SIGN_IN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out pair is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every worker
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "30")))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME < timedelta(minutes=1):
    raise ImproperlyConfigured(
        "SIGN_IN_FAILURE_LIMIT and SIGN_IN_LOCKOUT_MINUTES must be 1 or more."
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The pause runs from the last counted failure; trying again during it does not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "organisations.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "organisations.lockout.client_ip"
# Single sign-on failures are the identity provider's business, not password guesses.
AXES_WHITELIST_CALLABLE = "organisations.lockout.is_not_a_password_attempt"
# How many reverse proxies in front of the service append to X-Forwarded-For; 0 trusts none.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Asking for a link to choose a new password: at most PASSWORD_RESET_LIMIT_PER_ADDRESS times
# for one e-mail address and PASSWORD_RESET_LIMIT_PER_NETWORK times from one client address in
# PASSWORD_RESET_LIMIT_MINUTES (organisations/lockout.py), counted in the "limits" cache below.
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "3"))
PASSWORD_RESET_LIMIT_PER_NETWORK = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_NETWORK", "10"))
PASSWORD_RESET_LIMIT_MINUTES = int(os.environ.get("PASSWORD_RESET_LIMIT_MINUTES", "60"))
if min(
    PASSWORD_RESET_LIMIT_PER_ADDRESS, PASSWORD_RESET_LIMIT_PER_NETWORK, PASSWORD_RESET_LIMIT_MINUTES
) < 1:
    raise ImproperlyConfigured("The PASSWORD_RESET_LIMIT_* settings must be 1 or more.")

if TESTING:
    # Hashing strength is not under test; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Form widgets drawn by Jinja2 from Django's own widget templates: the same HTML in half the
# time of Django's template engine, which matters on a questionnaire of a few hundred fields.
FORM_RENDERER = "django.forms.renderers.Jinja2"

# Pages of plan versions that can no longer change, and the coordinator's view of a report,
# are kept once rendered, under keys that change with what they show (plans/queries.py
# page_cache, reports/queries.py report_stamp). Each worker process keeps its own copies, so
# no cache server is needed; the tests render every page afresh.
#
# Limits (the password reset's counts) must be shared by every worker and every server, or each
# would count on its own: they are kept in a table of the database (made by the migration
# organisations/0004), in the tests too. Another shared cache (Redis, Memcached) would do as
# well; a per-process one would not.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
        if TESTING
        else "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
    "limits": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "handlingskraft_limits",
        # Culling drops a third of the counts when full: far above what an hour's requests make.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded plan files are parsed in memory; nothing larger is accepted.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PLAN_IMPORT_MAX_BYTES = int(os.environ.get("PLAN_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# A backup is read whole into memory too (after unpacking a .gz): the most restore reads.
BACKUP_MAX_BYTES = int(os.environ.get("BACKUP_MAX_BYTES", str(512 * 1024 * 1024)))

# E-mail: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "handlingskraft@localhost")
# Published and exported statistics never show a count below this (zero excepted), nor one
# that can be worked out from totals.
DISCLOSURE_THRESHOLD = int(os.environ.get("DISCLOSURE_THRESHOLD", "5"))
# The address people reach the service at, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Where people report accessibility problems (the accessibility statement names it).
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get(
    "ACCESSIBILITY_CONTACT_EMAIL", "tillganglighet@example.se"
)
# `make bench` serves a bare "hello" page as the reference its figures are compared with.
BENCHMARK_HELLO = env_bool("BENCHMARK_HELLO", False)

# HTTPS, behind a TLS-terminating proxy that sets X-Forwarded-Proto. `manage.py check --deploy
# --fail-level WARNING` passes with these (tests/security/test_deploy_check.py).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not TESTING)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sessions end after SESSION_COOKIE_AGE seconds without a request (each request starts the
# count again, at most SESSION_REFRESH_SECONDS late: see SessionAbsoluteLimitMiddleware), after
# SESSION_ABSOLUTE_AGE seconds however active, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60)))
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_AGE = int(os.environ.get("SESSION_ABSOLUTE_AGE", str(10 * 60 * 60)))
# Signed-in pages warn this many seconds before the session ends, with a button to stay signed
# in (WCAG 2.2.1; static/js/session.js).
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", str(5 * 60)))
if not 0 < SESSION_WARNING_SECONDS < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured("SESSION_WARNING_SECONDS must be less than SESSION_COOKIE_AGE.")
# A form posted after the session ended is kept until the person has signed in again, up to
# this much of it (handlingskraft.middleware.kept_form_store).
SESSION_KEPT_FORM_MAX_BYTES = 200_000
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the return from the identity provider is a cross-site navigation that must
# carry the session cookie.
SESSION_COOKIE_SAMESITE = "Lax"
# Nothing reads the CSRF token from the cookie; forms carry it.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# A refused token gets a page that says why and keeps what the form held where it can.
CSRF_FAILURE_VIEW = "handlingskraft.views.csrf_failure"

# Content-Security-Policy (django-csp 4): scripts, styles and everything else only from this
# site, no inline script or style, never framed. Templates keep to it
# (tests/security/test_content_security_policy.py); there is nothing to configure.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Single sign-on with the municipality's OpenID Connect provider (mozilla-django-oidc), off
# unless OIDC_ENABLED. It signs in existing, active users whose e-mail address matches; it never
# creates users (organisations/oidc.py).
OIDC_ENABLED = env_bool("OIDC_ENABLED")
OIDC_REQUIRED = [
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_ISSUER",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
]
if OIDC_ENABLED:
    if missing := [name for name in OIDC_REQUIRED if not os.environ.get(name)]:
        raise ImproperlyConfigured(f"OIDC_ENABLED needs {', '.join(missing)}.")
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ["OIDC_RP_CLIENT_SECRET"]
    # The only accepted value of the ID token's `iss`.
    OIDC_OP_ISSUER = os.environ["OIDC_OP_ISSUER"]
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ["OIDC_OP_JWKS_ENDPOINT"]
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    if not OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")):
        # HS* would make the client secret the signing key; the provider's keys it must be.
        raise ImproperlyConfigured("OIDC_RP_SIGN_ALGO must be RS256 or another RS/ES algorithm.")
    OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH")
    OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
    AUTHENTICATION_BACKENDS.append("organisations.oidc.MunicipalAccountBackend")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10  # seconds for each call to the provider
# How far the clocks of the provider and the service may disagree when checking `exp`/`iat`.
OIDC_CLOCK_LEEWAY_SECONDS = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
