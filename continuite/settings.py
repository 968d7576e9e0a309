"""Settings of Continuité, all read from the environment in this one place.

With no variable set, the portal runs embedded: SQLite in ``var/``, Celery tasks run eagerly in
the web process, mails written as files in ``var/mail``. ``CONTINUITE_ENV=production`` switches
on the production hardening; a bad value of any variable stops the start with a clear message.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

ENVIRONMENTS = ("development", "production", "test")
CONTINUITE_ENV = env.str("CONTINUITE_ENV", default="development")
if CONTINUITE_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"CONTINUITE_ENV={CONTINUITE_ENV!r} is not valid: use one of {', '.join(ENVIRONMENTS)}.")
PRODUCTION = CONTINUITE_ENV == "production"


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def _int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


# Off unless asked for (DEBUG=true): the demo is used by school staff and families, who must read
# the portal's French error pages, never Django's technical ones (which also list every URL).
DEBUG = _bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (50+ random characters).")
    SECRET_KEY = "insecure-demo-key-only-for-the-embedded-default-do-not-use-in-production"  # noqa: S105
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A form from a page that is no longer valid: the portal's French page, not Django's.
CSRF_FAILURE_VIEW = "continuite.ecole.errors.csrf_failure"

# Where links in mails point to (mails are sent by workers, outside any request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The portal's own apps. The foundation (directory, accounts, outbox; audit below) imports no
# feature app: features plug into it through the hooks it discovers (``<app>.navigation``,
# ``<app>.home``, ``<app>.links``, ``<app>.demo``, ``<app>.retention``) and the lists below.
PORTAL_FOUNDATION = ["continuite.ecole", "continuite.accounts", "continuite.notifications"]
PORTAL_FEATURES = ["outils", "planning", "suivi", "equipement"]
# Imports write the directory and the timetable; audit watches every app; the region generator and
# benchmark write every app's rows. seed_demo runs each app's ``demo.seed`` in this order.
PORTAL_APPS = [*PORTAL_FOUNDATION, *PORTAL_FEATURES, "continuite.imports", "continuite.audit", "region"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    *PORTAL_APPS,
]

# Apps that add panels to the home page (``<app>.home.panels(request)``), in this order on the page.
HOME_PANEL_APPS = ["planning", "suivi", "equipement", "outils", "continuite.imports", "continuite.notifications"]
# Apps that add links and panels to a division's or a student's page (``<app>.links``), in this order.
PAGE_LINK_APPS = ["planning", "suivi", "equipement"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # gzip for pages and feeds (static files are compressed in advance by whitenoise, above); placed
    # before every middleware that reads or writes the response body. See docs/operations.md.
    "continuite.audit.middleware.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "continuite.audit.middleware.SessionInactivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "continuite.accounts.submissions.SubmitOnceMiddleware",
    "continuite.accounts.middleware.ActionLoginRedirectMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "continuite.accounts.middleware.RequireMfaForSensitiveRolesMiddleware",
    "continuite.accounts.middleware.EntUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "continuite.audit.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "continuite.urls"
WSGI_APPLICATION = "continuite.wsgi.application"

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
                "continuite.accounts.context_processors.portal",
                "continuite.notifications.context_processors.notifications",
            ],
            # {% csrf_token %} also writes the form's one-time submission token (one click, one effect).
            "builtins": ["continuite.accounts.submissions"],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
if PRODUCTION and not env.str("DATABASE_URL", default=""):
    # Never a silent SQLite file beside the code in production: the operator names his database.
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production (postgres://user:password@host:5432/continuite)."
    )
try:
    DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'continuite.sqlite3'}")}
except Exception as exc:  # django-environ raises several kinds on a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...) or SQLite (sqlite:///...).")
# Persistent connections: a new PostgreSQL connection costs ~12 ms, more than a whole page.
DATABASES["default"]["CONN_MAX_AGE"] = _int("CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal's queries are short, and a cost estimate over PostgreSQL's threshold
    # spent ~190 ms compiling a 38 ms query (the timetable's conflicts, docs/scaling.md).
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    pg_options["options"] = " ".join(filter(None, [pg_options.get("options", ""), "-c jit=off"]))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Write transactions take SQLite's lock when they begin (BEGIN IMMEDIATE) and wait for it up to
    # 20 s: two simultaneous writes queue instead of failing with "database is locked" mid-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["continuite.accounts.backends.PortalAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: login by email, no open sign-up (accounts come from the admin or imports).
ACCOUNT_ADAPTER = "continuite.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "continuite.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Continuité] "
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Continuité"
# CPE and direction must use a second factor; the demo relaxes it and says so on its login page.
MFA_REQUIRED_FOR_SENSITIVE_ROLES = _bool("MFA_REQUIRED_FOR_SENSITIVE_ROLES", default=PRODUCTION)

# The ENT NetO'Centre through OpenID Connect, configured only when its three variables are set.
ENT_OIDC_SERVER_URL = env.str("ENT_OIDC_SERVER_URL", default="")
ENT_OIDC_CLIENT_ID = env.str("ENT_OIDC_CLIENT_ID", default="")
ENT_OIDC_SECRET = env.str("ENT_OIDC_SECRET", default="")
ENT_OIDC_NAME = env.str("ENT_OIDC_NAME", default="ENT NetO'Centre")
_ent_values = [ENT_OIDC_SERVER_URL, ENT_OIDC_CLIENT_ID, ENT_OIDC_SECRET]
if any(_ent_values) and not all(_ent_values):
    raise ImproperlyConfigured(
        "The ENT login needs ENT_OIDC_SERVER_URL, ENT_OIDC_CLIENT_ID and ENT_OIDC_SECRET together."
    )
# The ENT through CAS (NetO'Centre and many académie ENTs speak CAS), configured when its server is set.
ENT_CAS_SERVER_URL = env.str("ENT_CAS_SERVER_URL", default="")
ENT_CAS_VERSION = env.str("ENT_CAS_VERSION", default="3")
ENT_CAS_NAME = env.str("ENT_CAS_NAME", default="ENT (CAS)")
# The CAS attribute that carries the person's email (NetO'Centre: "mail").
ENT_CAS_EMAIL_ATTRIBUTE = env.str("ENT_CAS_EMAIL_ATTRIBUTE", default="mail")
if ENT_CAS_VERSION not in ("1", "2", "3", "CAS_2_SAML_1_0"):
    raise ImproperlyConfigured("ENT_CAS_VERSION must be 1, 2, 3 or CAS_2_SAML_1_0.")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": "ent",
                    "name": ENT_OIDC_NAME,
                    "client_id": ENT_OIDC_CLIENT_ID,
                    "secret": ENT_OIDC_SECRET,
                    "settings": {"server_url": ENT_OIDC_SERVER_URL},
                }
            ]
            if all(_ent_values)
            else []
        ),
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["continuite.formats"]

STATIC_URL = "/static/"
STATIC_COMPRESSED = _bool("STATIC_COMPRESSED", default=False)
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION or STATIC_COMPRESSED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, whitenoise serves the static files straight from the apps and static/, so the
# demo needs no collectstatic and works with DEBUG off. ``python3 dev.py run`` sets
# STATIC_COMPRESSED=true and runs collectstatic first: the demo is then served as production is
# (gzip files, versioned names cached for a year), a family's first load 4 times lighter.
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: an SMTP URL in production (smtp+tls://user:pass@host:587); by default files in var/mail.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    try:
        vars().update(env.email_url_config(EMAIL_URL))
    except Exception as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is not a valid mail URL: {exc}") from None
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Continuité <ne-pas-repondre@continuite.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: a real broker when REDIS_URL or CELERY_BROKER_URL is set, else tasks run eagerly.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or env.str("REDIS_URL", default="")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "memory://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL / REDIS_URL must be a redis:// URL.")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"  # never used: tasks run eagerly in the web process
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4  # tasks are idempotent and acked late: a crash only delays them
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}

# The cache: Redis when CACHE_URL (or else REDIS_URL) is set, shared by every web process — login
# limits, sessions (``cached_db``) and the pages' versioned fragments; otherwise each process keeps
# its own in memory. Tests keep theirs in memory unless CACHE_URL is set explicitly.
CACHE_URL = env.str("CACHE_URL", default="") or (env.str("REDIS_URL", default="") if CONTINUITE_ENV != "test" else "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "dummy://")):
    raise ImproperlyConfigured("CACHE_URL / REDIS_URL must be a redis:// URL.")
# Keys are prefixed by the database's name: two portals (or tests and the benchmark) sharing one
# Redis never read each other's fragments.
_cache_prefix = f"continuite:{DATABASES['default'].get('NAME', '')}"
if CACHE_URL == "dummy://":
    # No cache at all (the benchmark's "cold" pass: every page as read the first time after a write).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
elif CACHE_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, logins and pages keep working (see continuite/cache.py).
            "BACKEND": "continuite.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": _cache_prefix,
        }
    }
    # Sessions read from Redis, written to both: with Redis down they are read from the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "continuite",
            "KEY_PREFIX": _cache_prefix,
        }
    }
    # A per-process cache would keep a session that another process ended: sessions stay in the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Sessions end after SESSION_COOKIE_AGE seconds of inactivity: each request pushes the expiry back.
SESSION_COOKIE_AGE = _int("SESSION_COOKIE_AGE", 2 * 3600, minimum=300)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_INTERVAL = 300  # seconds between two refreshes of an active session's expiry
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy in every environment, so that the browser tests see any violation:
# no inline script or style anywhere (a script that must be inline takes the request's nonce).
_form_action = ["'self'"]
if ENT_OIDC_SERVER_URL:
    from urllib.parse import urlsplit

    _ent = urlsplit(ENT_OIDC_SERVER_URL)
    _form_action.append(f"{_ent.scheme}://{_ent.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": _form_action,
    }
}
# Browser features the portal never uses (see continuite.audit.middleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


# allauth's rate limits, stated explicitly (the cache is Redis in production, shared by workers).
# A whole lycée may reach the portal through one address (the school's network): the per-address
# login limit is a setting (LOGIN_RATE_LIMIT, allauth's syntax, e.g. "120/m/ip").
def _rate_limit(name: str, default: str) -> str:
    """allauth's syntax: limits separated by commas, each ``amount/period[/ip|user|key]``."""
    value = env.str(name, default=default)
    limit = r"\d+/\d*[smhd](/(ip|user|key))?"
    if not re.fullmatch(rf"{limit}(,{limit})*", value):
        raise ImproperlyConfigured(
            f"{name}={value!r}: write limits like '30/m/ip' or '10/m/ip,5/300s/key' (s, m, h or d; ip, user or key)."
        )
    return value


ACCOUNT_RATE_LIMITS = {
    "login": _rate_limit("LOGIN_RATE_LIMIT", "30/m/ip"),
    # Per address and per account: an attacker slows himself (his address, the account he tries),
    # never the school, provided the client's address is the real one (TRUSTED_PROXY_COUNT below).
    "login_failed": _rate_limit("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/300s/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "signup": "20/m/ip",
}

# Behind the HTTPS proxy every request comes from the proxy's address: the client's own address is
# read from X-Forwarded-For (the n-th address from the right, n = the number of proxies that append
# to it) or from a header that the proxy sets (TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP), and only
# when configured, since a client can write these headers himself when there is no proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT > 5:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={ALLAUTH_TRUSTED_PROXY_COUNT}: at most 5 proxies in a row.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
if ALLAUTH_TRUSTED_CLIENT_IP_HEADER and not re.fullmatch(r"[A-Za-z0-9-]+", ALLAUTH_TRUSTED_CLIENT_IP_HEADER):
    raise ImproperlyConfigured("TRUSTED_CLIENT_IP_HEADER must be a header name such as X-Real-IP.")

if PRODUCTION:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

if CONTINUITE_ENV == "test":
    # Tests hash passwords fast and run tasks in-process; broker round trips are tested on purpose
    # by the integration tests, which start their own worker against CELERY_BROKER_URL.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CELERY_TASK_ALWAYS_EAGER = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# An import's upload is refused from its announced size before anything of it is stored.
FILE_UPLOAD_HANDLERS = [
    "continuite.imports.uploads.ImportUploadSizeHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Per-app settings that the portal's apps add (beat schedule entries, ...): ``<app>.conf``.
for _app in PORTAL_APPS:
    _app_settings = f"{_app}.conf"
    try:
        _module = __import__(_app_settings, fromlist=["BEAT_SCHEDULE"])
    except ModuleNotFoundError as exc:
        if exc.name != _app_settings:
            raise
        continue
    CELERY_BEAT_SCHEDULE.update(getattr(_module, "BEAT_SCHEDULE", {}))
