"""Sammen settings: one file, driven by environment variables.

SAMMEN_ENV=production turns on the production profile (secure cookies, HSTS, no debug) and
refuses to start without a real SECRET_KEY or with the demo-only MFA relaxation.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SAMMEN_ENV = os.environ.get("SAMMEN_ENV", "development")
PRODUCTION = SAMMEN_ENV == "production"

# DEBUG only by explicit choice (DJANGO_DEBUG=true): the demo and `make run` show the
# product's own error pages, never Django's debug page (URL patterns, settings, tracebacks).
DEBUG = env_bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG=true is not allowed in production.")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    SECRET_KEY = "development-only-not-secret-" + "x" * 40

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sammen.core",
    "sammen.organisation",
    "sammen.access",
    "sammen.citizens",
    "sammen.integrations",
    "sammen.terminology",
    "sammen.journal",
    "sammen.care_plans",
    "sammen.triage",
    "sammen.visits",
    "sammen.insight",
    "sammen.demo",
    # FHIR R4 facade and its system clients (OAuth2 client credentials).
    "oauth2_provider",
    "sammen.fhir",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sammen.core.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sammen.organisation.middleware.SessionLifetimeMiddleware",
    "sammen.organisation.middleware.ActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "sammen.core.middleware.NoStoreMiddleware",
    "sammen.core.middleware.DomainErrorMiddleware",
    "sammen.core.middleware.DatabaseUnavailableMiddleware",
    "sammen.core.middleware.AccessRuleMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sammen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "sammen.organisation.context_processors.actor",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) is the embedded default; DATABASE_URL points at PostgreSQL in CI and production.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0 if DEBUG else 60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL: with one superuser login (development), `SET ROLE` this role on every connection
# so privileges are checked as in production, where the app logs in as sammen_app itself.
# See sammen/core/db_roles.py. Empty: no SET ROLE (migrations, production logins).
SAMMEN_DB_ROLE = os.environ.get("SAMMEN_DB_ROLE", "")

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "organisation:login"
LOGIN_REDIRECT_URL = "organisation:home"

# Lockout (django-axes): 5 failures per username locks it for 15 minutes, whether or not the
# username exists, so the response never tells an attacker which usernames are real.
AXES_FAILURE_LIMIT = int(os.environ.get("SAMMEN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SAMMEN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per-IP lockout is off on purpose: a care centre's staff share one NAT address, and one
# person's typos must not lock out the whole building. Per-IP throttling belongs at the proxy.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sammen.organisation.views.login_locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Two-factor (django-otp TOTP). Required for every role that can reach citizen data.
# SAMMEN_MFA_REQUIRED=false is for the local demo only and is refused in production.
SAMMEN_MFA_REQUIRED = env_bool("SAMMEN_MFA_REQUIRED", default=True)
if PRODUCTION and not SAMMEN_MFA_REQUIRED:
    raise ImproperlyConfigured("SAMMEN_MFA_REQUIRED=false is only allowed for the demo.")
OTP_TOTP_ISSUER = "Sammen"

# Sessions live in the database, so logout and disabling a user end them server-side. With
# SAMMEN_CACHE_URL (Redis, e.g. redis://127.0.0.1:6379/1, one cache shared by every worker) they
# are read from the cache and written to both ("cached_db"): a request reads no session row.
# Never a per-process cache: a session ended in one worker would live on in another's memory.
SAMMEN_CACHE_URL = os.environ.get("SAMMEN_CACHE_URL", "")
if SAMMEN_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": SAMMEN_CACHE_URL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SAMMEN_SESSION_IDLE_TIMEOUT = timedelta(
    minutes=int(os.environ.get("SAMMEN_SESSION_IDLE_MINUTES", "30"))
)
SAMMEN_SESSION_ABSOLUTE_LIFETIME = timedelta(
    hours=int(os.environ.get("SAMMEN_SESSION_ABSOLUTE_HOURS", "10"))
)
SESSION_COOKIE_AGE = int(SAMMEN_SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sammen.core.views.csrf_failure"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "sammen" / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.min.js straight from the installed plotly package (insight charts, no CDN).
    "sammen.insight.staticfiles.PlotlyFinder",
]
WHITENOISE_USE_FINDERS = True
# Files served at the site root (favicon.ico), also with DEBUG off.
WHITENOISE_ROOT = BASE_DIR / "sammen" / "static_root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security headers -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sammen-session"
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_NAME = "__Host-sammen-csrf"
    SECURE_SSL_REDIRECT = env_bool("SAMMEN_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Logging: technical logs carry no citizen data -----------------------------------------
# One structured setup for the whole app (sammen/core/logs.py): every logger, Django's and
# runserver's included, goes to one handler writing one JSON object per line, and a filter on
# that handler masks any CPR number in any record as the last line of defence.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_cpr": {"()": "sammen.core.logs.MaskCprFilter"}},
    "formatters": {"json": {"()": "sammen.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["mask_cpr"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SAMMEN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (console only with DEBUG, mail to ADMINS, runserver's plain
        # lines) are replaced: their records propagate to the one handler above.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "axes": {"level": "WARNING"},
    },
}

# --- Access: need-to-know, break-the-glass, review, retention -------------------------------
SAMMEN_CARE_RELATION_DAYS = int(os.environ.get("SAMMEN_CARE_RELATION_DAYS", "14"))
SAMMEN_BREAK_THE_GLASS_HOURS = int(os.environ.get("SAMMEN_BREAK_THE_GLASS_HOURS", "4"))
SAMMEN_REVIEW_MANY_CITIZENS = int(os.environ.get("SAMMEN_REVIEW_MANY_CITIZENS", "40"))
SAMMEN_NIGHT_STARTS_HOUR = 22
SAMMEN_NIGHT_ENDS_HOUR = 6
SAMMEN_ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("SAMMEN_ACCESS_LOG_RETENTION_DAYS", "183"))
SAMMEN_CITIZEN_LOG_RETENTION_DAYS = int(os.environ.get("SAMMEN_CITIZEN_LOG_RETENTION_DAYS", "730"))
# Sealed checkpoints over the access log (sammen/access/sealing.py). The private key never lives
# in the database: SAMMEN_SEAL_KEY (base64, 32 raw bytes) or a PEM file; outside production a
# missing file is generated. SAMMEN_SEAL_DIR receives a copy of every checkpoint: ship it to
# storage the database's administrators cannot rewrite. SAMMEN_SEAL_PUBLIC_KEYS lists the
# public keys a verifier accepts (comma-separated base64), e.g. keys retired by a rotation.
SAMMEN_SEAL_KEY = os.environ.get("SAMMEN_SEAL_KEY", "")
SAMMEN_SEAL_KEY_FILE = os.environ.get(
    "SAMMEN_SEAL_KEY_FILE", str(BASE_DIR / "var" / "seal-key.pem")
)
SAMMEN_SEAL_DIR = os.environ.get("SAMMEN_SEAL_DIR", str(BASE_DIR / "var" / "checkpoints"))
SAMMEN_SEAL_PUBLIC_KEYS = [
    k for k in os.environ.get("SAMMEN_SEAL_PUBLIC_KEYS", "").split(",") if k.strip()
]
# Rows younger than this are sealed by the next run (a transaction still in flight is never
# skipped over); requests are far shorter. The sealer runs every SAMMEN_SEAL_EVERY_SECONDS.
SAMMEN_SEAL_LAG_SECONDS = int(os.environ.get("SAMMEN_SEAL_LAG_SECONDS", "60"))
SAMMEN_SEAL_EVERY_SECONDS = int(os.environ.get("SAMMEN_SEAL_EVERY_SECONDS", "60"))
# Clocks of app servers may differ this much; a row time outside the checkpoint's window by more
# is named by the verifier (forged or a clock far off) and never counts as pruned.
SAMMEN_SEAL_CLOCK_SLACK_SECONDS = int(os.environ.get("SAMMEN_SEAL_CLOCK_SLACK_SECONDS", "300"))
# The verifier fails when rows older than this are still unsealed (the sealer has stopped).
SAMMEN_SEAL_MAX_AGE_SECONDS = int(os.environ.get("SAMMEN_SEAL_MAX_AGE_SECONDS", "900"))
# NSP MinLog2 client (dotted path to a class); empty = the in-memory fake (tests, demo). The
# production profile refuses the fake: accesses would be marked sent without reaching MinLog.
SAMMEN_MINLOG_CLIENT = os.environ.get("SAMMEN_MINLOG_CLIENT", "")
if PRODUCTION and (not SAMMEN_MINLOG_CLIENT or SAMMEN_MINLOG_CLIENT.endswith("FakeMinLog")):
    raise ImproperlyConfigured(
        "SAMMEN_MINLOG_CLIENT must name the NSP MinLog client in production; "
        "the fake is only for tests and the demo."
    )


# --- FHIR facade and system clients (sammen/fhir/README.md) -------------------------------------
OAUTH2_PROVIDER = {
    # Client credentials only; tokens live an hour, then the client asks again.
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("SAMMEN_FHIR_TOKEN_SECONDS", "3600")),
    "OAUTH2_VALIDATOR_CLASS": "sammen.fhir.oauth.ClientScopeValidator",
    "SCOPES_BACKEND_CLASS": "sammen.fhir.oauth.SmartScopes",
    # OAuth 2.0 Security BCP (RFC 9700) everywhere, though only client credentials are used:
    # hashed tokens, no token in the query string, no implicit or password grant.
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    **{
        f"COMPLIANT_BCP_RFC9700_{name}": True
        for name in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "PKCE_REQUIRED",
        )
    },
}
# The SOR code each municipality reports to the KL Gateway under (municipality code -> SOR).
# The demo's values are fictitious; production sets SAMMEN_FHIR_SOR_CODES="253=…,269=…".
SAMMEN_FHIR_SOR_CODES = dict(
    pair.split("=", 1)
    for pair in os.environ.get(
        "SAMMEN_FHIR_SOR_CODES", "253=999999999999253,269=999999999999269"
    ).split(",")
    if "=" in pair
)
# django-oauth-toolkit's swappable models, named so migrations can depend on them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
# --- Video visits (sammen/consultations): Channels, notifications, STUN/TURN -----------------
# daphne first: its runserver serves HTTP and the WebSockets in development (`make run`).
# Production keeps the pages on gunicorn (WSGI) and runs daphne for /ws/ (docs/architecture.md).
INSTALLED_APPS = ["daphne", *INSTALLED_APPS, "channels", "sammen.consultations"]
# The signalling's channel layer: Redis when SAMMEN_CHANNEL_LAYER_URL is set (several daphne
# processes share rooms), otherwise in memory (one process: development, tests).
SAMMEN_CHANNEL_LAYER_URL = os.environ.get("SAMMEN_CHANNEL_LAYER_URL", "")
if SAMMEN_CHANNEL_LAYER_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [SAMMEN_CHANNEL_LAYER_URL], "capacity": 200, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# SMS/e-mail provider for invitations and codes (dotted path to a class); empty = the in-memory
# fake, which production refuses (an invitation would go nowhere).
SAMMEN_NOTIFIER = os.environ.get("SAMMEN_NOTIFIER", "")
if PRODUCTION and (not SAMMEN_NOTIFIER or SAMMEN_NOTIFIER.endswith("FakeNotifier")):
    raise ImproperlyConfigured(
        "SAMMEN_NOTIFIER must name the SMS/e-mail provider in production; "
        "the fake is only for tests and the demo."
    )
# The address in invitation links.
SAMMEN_PUBLIC_URL = os.environ.get("SAMMEN_PUBLIC_URL", "http://127.0.0.1:8000")
# STUN/TURN for WebRTC (comma-separated URLs). None is needed on loopback or one network.
# Production: the municipality's coturn (turn:/turns: URLs) with use-auth-secret; the shared
# secret signs short-lived credentials (sammen/consultations/ice.py).
SAMMEN_VIDEO_STUN_URLS = [
    u.strip() for u in os.environ.get("SAMMEN_VIDEO_STUN_URLS", "").split(",") if u.strip()
]
SAMMEN_VIDEO_TURN_URLS = [
    u.strip() for u in os.environ.get("SAMMEN_VIDEO_TURN_URLS", "").split(",") if u.strip()
]
SAMMEN_VIDEO_TURN_SECRET = os.environ.get("SAMMEN_VIDEO_TURN_SECRET", "")
# Transport time saved per screen visit, one way (insight), until care_plans knows the usual
# place of each service and the distance from the citizen's address.
SAMMEN_VIDEO_MINUTES_EACH_WAY = int(os.environ.get("SAMMEN_VIDEO_MINUTES_EACH_WAY", "15"))
# Visits (issue 11): staff reach a citizen they visit today until this many hours after the
# visit's window ends; the offline day list expires at this hour; a queued offline delivery
# older than this many days is refused (the person is told; nothing is stored silently late).
SAMMEN_VISIT_ACCESS_AFTER_HOURS = int(os.environ.get("SAMMEN_VISIT_ACCESS_AFTER_HOURS", "4"))
SAMMEN_VISIT_SHIFT_END_HOUR = int(os.environ.get("SAMMEN_VISIT_SHIFT_END_HOUR", "23"))
SAMMEN_VISIT_LATE_SYNC_DAYS = int(os.environ.get("SAMMEN_VISIT_LATE_SYNC_DAYS", "3"))
