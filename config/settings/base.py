"""Settings shared by every environment, all read from the environment.

`local` and `test` only change defaults; production behaviour switches on variables
(DEBUG, SECRET_KEY, DATABASE_URL, REDIS_URL, EMAIL_URL ...), never on a module of its own.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-do-not-use")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # required when DEBUG is off

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI as static files: the API documentation needs no CDN
    "core",
    "villages",
    "municipalities",
    "initiatives",
    "vision",
    "budgets",
    "notifications",
    "audit",
    "accounts",
    "api",
    # Two-step sign-in for staff (authenticator app, recovery codes) and login lockout.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts.apps.AxesConfig",  # django-axes, under a Dutch name in the admin
]

MIDDLEWARE = [
    "core.middleware.ForwardedForCheckMiddleware",  # first: warns about NUM_PROXIES=0 behind a proxy
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AuditOriginMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into our 429 page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
                "accounts.context_processors.staff_menu",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, but a bulk insert of a few rows as VALUES, not UNNEST (core/postgresql).
    DATABASES["default"]["ENGINE"] = "core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: write transactions take the lock up front and
    # wait for it, and readers never block the writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start_page"  # each role its own start page (accounts.views.start_page_for)
LOGOUT_REDIRECT_URL = "initiatives:home"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Signing in. django-axes comes first: it refuses a locked-out client before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Two-step sign-in (django-otp): officers, coordinators, facilitators and admins type a code from
# an authenticator app (TOTP) after their password, or a recovery code (accounts/mfa.py says who).


def _otp_issuer(device):
    """The name the authenticator app shows next to the code."""
    from core.context_processors import platform_name

    return str(platform_name())


OTP_TOTP_ISSUER = _otp_issuer
# Lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords or codes for one username from
# one IP address, that combination waits AXES_COOLOFF_MINUTES; a good login resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"  # REMOTE_ADDR, or what NUM_PROXIES trusted proxies saw
# Its log lines name no username or IP address (they are masked), and no user agent.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# No log of successful logins (IP address, user agent): only failed attempts, which axes removes
# after the cool-off. Privacy: no personal data that is not needed.
AXES_DISABLE_ACCESS_LOG = True
# Setting up the app needs a second proof besides the password: a one-time enrolment link that an
# admin sends (valid this many hours), or a recovery code.
ENROLMENT_LINK_HOURS = env.int("ENROLMENT_LINK_HOURS", default=72)
# Signing in with the municipality's account (OpenID Connect; accounts/oidc.py, README "Signing in
# with the municipality's account"). Off unless the installation names its client id and its
# provider: the discovery document, or the endpoint addresses one by one (these win over it).
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
# The claim with the e-mail address that matches a staff account, and optionally a claim with the
# person's groups at the provider: with OIDC_ALLOWED_GROUPS, only members of one of those may sign in.
OIDC_EMAIL_CLAIM = env.str("OIDC_EMAIL_CLAIM", default="email")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="")
OIDC_ALLOWED_GROUPS = env.list("OIDC_ALLOWED_GROUPS", default=[])
# An unknown e-mail address gets no account, unless this is on: then an account without any role.
OIDC_CREATE_USERS = env.bool("OIDC_CREATE_USERS", default=False)
# The provider's own multi-factor sign-in counts as our second step when the ID token's `amr`
# holds one of these methods (RFC 8176), or its `acr` is one of these values.
OIDC_MFA_AMR = env.list("OIDC_MFA_AMR", default=["mfa", "otp", "hwk"])
OIDC_MFA_ACR = env.list("OIDC_MFA_ACR", default=[])
# Logging out also ends the session at the provider (its end_session_endpoint).
OIDC_PROVIDER_LOGOUT = env.bool("OIDC_PROVIDER_LOGOUT", default=False)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)  # seconds for each call to the provider
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_VERIFY_KID = env.bool("OIDC_VERIFY_KID", default=True)  # off for a provider whose tokens name no key id
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"  # mozilla-django-oidc's name for the redirect URI
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and (OIDC_OP_DISCOVERY_URL or OIDC_OP_AUTHORIZATION_ENDPOINT))
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.OIDCBackend")
# Forgot-password mails: at most this many per email address and per client address per period.
PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_RATE_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_RATE_LIMIT_PER_CLIENT", default=10)
PASSWORD_RESET_RATE_PERIOD = env.int("PASSWORD_RESET_RATE_PERIOD", default=3600)  # seconds

# Language and time: Dutch first, English complete.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language municipalities write their own texts in (role statement, fund and village
# descriptions): on a page in the other language these texts say so (lang and a short note).
MUNICIPAL_TEXT_LANGUAGE = env.str("MUNICIPAL_TEXT_LANGUAGE", default=LANGUAGE_CODE)
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Static files: our own under static/, third-party assets from npm packages installed at
# build time (node_modules/, never in git, never from a CDN). The Docker image collects them
# while it is built and leaves node_modules/ behind: there they are served from STATIC_ROOT
# only (NODE_MODULES_COLLECTED=true keeps the missing folder out of STATICFILES_DIRS).
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [BASE_DIR / "static"]
if not env.bool("NODE_MODULES_COLLECTED", default=False):
    STATICFILES_DIRS.append(("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"))
# Uploaded files (attachments, files kept while a resident fixes the form, decision letters,
# logos) are private: they are only ever served through views that check access, never from a
# public address. On the local disk under MEDIA_ROOT, or, when AWS_STORAGE_BUCKET_NAME is set, in
# an S3-compatible bucket (MinIO, Ceph, a cloud bucket; django-storages with boto3), so several
# web servers and workers share them. The bucket needs no public access at all: the app reads a
# file after its own access check and streams it (README: "Object storage").
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    S3_STORAGE_OPTIONS = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        # Empty: Amazon S3 itself; otherwise the S3-compatible server, e.g. http://minio:9000.
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        # Empty: boto3 finds the keys itself (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance role).
        "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
        # "path" for most self-hosted servers (MinIO, Ceph, moto), "virtual" for cloud buckets.
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        # A folder inside the bucket, to share one bucket between installations.
        "location": env.str("AWS_LOCATION", default=""),
        # Private objects, and never an overwrite: a name in use gets a suffix, as on the disk.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,  # only the admin's file links use a (signed, short-lived) URL
        "file_overwrite": False,
        # A download is buffered in memory up to this size, larger files in a temporary file.
        "max_memory_size": 2_621_440,
    }
    MEDIA_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_STORAGE_OPTIONS}
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Mail: files under var/mail/ by default so a person can read them locally.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="core.mail.FilePerMessageBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Dorpsinitiatief <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL or CELERY_BROKER_URL is set, otherwise kombu's filesystem
# transport under var/broker/, which needs no server.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=env.str("REDIS_URL", default="filesystem://"))
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
# A broker that stops answering (frozen, or gone without closing the connection) must not hang
# a resident's request: a publish gives up after this many seconds and the outbox sweep resends.
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=3.0)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# The outbox's retries after a failed send: this many seconds, then doubling (at most an hour).
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)
# Many mails at once (the scheduler's reminders, the sweep) go to the worker as one task per this many.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
CELERY_BEAT_SCHEDULE = {
    "initiative-reminders": {
        "task": "initiatives.reminders_daily",
        "schedule": crontab(hour=7, minute=30),  # Europe/Amsterdam; weekends and holidays do nothing
    },
    "initiative-retention": {
        "task": "initiatives.retention_daily",
        "schedule": crontab(hour=3, minute=30),  # Europe/Amsterdam; removes nothing twice
    },
    "statistics-refresh": {
        # The statistics' roll-ups of months that changed (initiatives.statistics_rollups); a page
        # that finds a change in its scope counts it itself, so this only keeps pages quick.
        "task": "initiatives.statistics_refresh",
        "schedule": env.float("STATISTICS_REFRESH_SECONDS", default=60.0),
    },
    "pending-uploads-purge": {
        "task": "initiatives.pending_uploads_purge",
        "schedule": crontab(minute=45),  # hourly; deletes files of forms abandoned more than a day ago
    },
    "budget-rounds": {
        # Every few minutes: ideas enter their round, mails at opening and before closing, and
        # the results as soon as voting has closed. Each step happens once, however often it runs.
        "task": "budgets.rounds_tick",
        "schedule": env.float("BUDGET_ROUNDS_SECONDS", default=300.0),
    },
    "meeting-reminders": {
        "task": "vision.tasks.meeting_reminders",
        "schedule": crontab(hour=8, minute=0),  # two days before each meeting; safe to repeat
    },
    "daily-digest": {
        "task": "notifications.digest_daily",
        "schedule": crontab(hour=16, minute=0),
    },
    "outbox-sweep": {
        "task": "notifications.outbox_sweep",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=120.0),
    },
    "lost-link-sweep": {
        "task": "initiatives.lost_link_sweep",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=120.0),  # requests the broker never took
    },
    "officers-notice-sweep": {
        "task": "initiatives.officers_notice_sweep",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=120.0),  # submissions the broker never took
    },
    "platform-heartbeat": {
        "task": "core.heartbeat",
        "schedule": env.float("HEARTBEAT_SECONDS", default=300.0),
    },
}

# Security: switches on variables, so production is the same code with other values. With DEBUG
# off the defaults are the production ones (HTTPS only, HSTS with preload); plain-http runs
# without DEBUG (tests, a local container) set SECURE_SSL_REDIRECT=false and SECURE_HSTS_SECONDS=0.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health probes (the container healthcheck, a load balancer) speak plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): everything from our own origin, no inline scripts or
# styles, no eval. Templates therefore carry no `style=` attributes and no inline <script>
# (a page that ever adds htmx must turn its inline indicator styles off). img-src allows
# data: for Bootstrap's SVG icons in CSS. The Django admin (5.2) needs no exception.
# (Added here rather than in the lists above to keep the security settings in one place.)
INSTALLED_APPS.append("csp")  # its system checks catch settings in the pre-4.0 format
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
if OIDC_ENABLED and OIDC_PROVIDER_LOGOUT:
    # The header's logout form ends at the provider's end-session page: browsers check a form's
    # redirects against form-action too. Its origin: the endpoint's, or the discovery document's.
    _logout = urlsplit(OIDC_OP_LOGOUT_ENDPOINT or OIDC_OP_DISCOVERY_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_logout.scheme}://{_logout.netloc}")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Privacy (AVG): how long an initiator's personal data is kept after an initiative is closed.
INITIATOR_DATA_RETENTION_MONTHS = env.int("INITIATOR_DATA_RETENTION_MONTHS", default=12)

# Cache: Redis when REDIS_URL is set (shared by all processes, e.g. for rate limits),
# otherwise memory of this process.
if env.str("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.str("REDIS_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered page fragments whose key holds everything they show (the officers' filter form:
# initiatives.views.dashboard): kept in each process's own memory, never shared or stale.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# Residents' submissions: spam protection and uploads.
SUBMISSION_RATE_LIMIT = env.int("SUBMISSION_RATE_LIMIT", default=10)  # per IP address
SUBMISSION_RATE_PERIOD = env.int("SUBMISSION_RATE_PERIOD", default=3600)  # seconds
# Neighbours' support for an initiative: per client and per address, per period; the link's life.
SUPPORT_RATE_LIMIT = env.int("SUPPORT_RATE_LIMIT", default=20)  # per IP address
SUPPORT_RATE_LIMIT_PER_ADDRESS = env.int("SUPPORT_RATE_LIMIT_PER_ADDRESS", default=5)
SUPPORT_RATE_PERIOD = env.int("SUPPORT_RATE_PERIOD", default=3600)  # seconds
SUPPORT_CONFIRM_DAYS = env.int("SUPPORT_CONFIRM_DAYS", default=7)
# Budget-round ballots by mail: per client and per address, per hour (a person may correct a typing error).
BALLOT_RATE_LIMIT = env.int("BALLOT_RATE_LIMIT", default=30)  # per IP address
BALLOT_RATE_LIMIT_PER_ADDRESS = env.int("BALLOT_RATE_LIMIT_PER_ADDRESS", default=5)
NUM_PROXIES = env.int("NUM_PROXIES", default=0)  # trusted proxies in front of the app (X-Forwarded-For)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=5)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Files kept while a resident fixes the form (MEDIA_ROOT/private/pending/): per session, and all together.
PENDING_UPLOADS_SESSION_MAX_BYTES = env.int("PENDING_UPLOADS_SESSION_MAX_BYTES", default=25 * 1024 * 1024)
PENDING_UPLOADS_TOTAL_MAX_BYTES = env.int("PENDING_UPLOADS_TOTAL_MAX_BYTES", default=1024 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The platform's name in the header and mails; empty means the translated default.
PLATFORM_NAME = env.str("PLATFORM_NAME", default="")

# Demo data
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="dorpen-demo-2026")
# seed_demo writes the demo staff's unused recovery codes here (var/ is never in git).
DEMO_RECOVERY_CODES_FILE = env.str("DEMO_RECOVERY_CODES_FILE", default=str(VAR_DIR / "demo-recovery-codes.txt"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_tracking_tokens": {"()": "core.log_filters.RedactTrackingTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Paths of 404s and 500s hold the private links' tokens.
        "django.request": {"filters": ["redact_tracking_tokens"]},
        "django.server": {"filters": ["redact_tracking_tokens"]},
        # At DEBUG it dumps template contexts: mail contexts hold tracking links and addresses.
        "django.template": {"level": "INFO"},
    },
}

# The scheduler's rules for initiatives (working days). Norms per municipality live in the data.
REMINDER_ESCALATE_AFTER_WORKING_DAYS = env.int("REMINDER_ESCALATE_AFTER_WORKING_DAYS", default=2)
REMINDER_DECISION_WARNING_WORKING_DAYS = env.int("REMINDER_DECISION_WARNING_WORKING_DAYS", default=5)
REMINDER_AGREEMENT_WARNING_WORKING_DAYS = env.int("REMINDER_AGREEMENT_WARNING_WORKING_DAYS", default=3)
WAITING_NUDGE_AFTER_WORKING_DAYS = env.int("WAITING_NUDGE_AFTER_WORKING_DAYS", default=10)
WAITING_CLOSE_AFTER_WORKING_DAYS = env.int("WAITING_CLOSE_AFTER_WORKING_DAYS", default=30)

# The public gallery's index covers the municipality (INCLUDE) so PostgreSQL counts from the index
# alone; SQLite, the embedded default, builds the same index without that column, which is fine.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# The API (/api/): Django REST framework, the OpenAPI 3 schema by drf-spectacular. Nothing is
# authenticated by default: the public views need no login, the staff views name their own
# authentication (an API key). Rate limits per client (API_PUBLIC_RATE, "number/period") and
# per staff API key (API_KEY_RATE).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": NUM_PROXIES,
}
API_PUBLIC_RATE = env.str("API_PUBLIC_RATE", default="120/min")
API_KEY_RATE = env.str("API_KEY_RATE", default="600/min")  # per staff API key
SPECTACULAR_SETTINGS = {
    "TITLE": "Dorpsinitiatief API",
    "DESCRIPTION": (
        "Open data of the platform: municipalities, villages, funds, published initiatives (without personal "
        "data), decisions with their public motivation, figures per municipality, and the results of budget "
        "rounds once they are published (per round, per village and per project). Every list also comes as a "
        "Dutch spreadsheet CSV file with ?format=csv."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
