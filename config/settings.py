"""Django settings for Postroom. Every value that varies comes from config/env.py."""

from django.utils.translation import gettext_lazy as _

from config import env as E
from config.huey import huey_settings

BASE_DIR = E.BASE_DIR
DEBUG = E.DEBUG
SECRET_KEY = E.SECRET_KEY
ALLOWED_HOSTS = E.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = E.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "postroom.core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "anymail",
    "postroom.core",
    "postroom.accounts",
    "postroom.blog",
    "postroom.audience",
    "postroom.content",
    "postroom.campaigns",
    "postroom.experiments",
    "postroom.delivery",
    "postroom.push",
    "postroom.transactional",
    "postroom.tracking",
    "postroom.reports",
    "postroom.crm",
    "postroom.webhooks",
    "postroom.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "postroom.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "postroom.accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "postroom.accounts.context_processors.workspace",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": E.env.db_url_config(E.DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    E.VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the worker writes; IMMEDIATE
        # transactions plus a busy timeout turn lock contention into waiting.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------
# The cache is shared by web and worker processes (counters, rate limits), so the
# embedded mode uses the database rather than a per-process memory cache.
if E.REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": E.REDIS_URL,
            "KEY_PREFIX": E.HUEY_NAME,  # installations sharing a Redis keep apart
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "postroom_cache",
        }
    }

# --- Jobs -----------------------------------------------------------------------
HUEY = huey_settings(
    name=E.HUEY_NAME,
    redis_url=E.REDIS_URL,
    var_dir=E.VAR_DIR,
    immediate=E.HUEY_IMMEDIATE,
    workers=E.HUEY_WORKERS,
)
WORKER_STALE_SECONDS = E.WORKER_STALE_SECONDS

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "postroom.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Postroom] "
# Workspace invitations are valid for a week.
INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600

# --- Audience -------------------------------------------------------------------
IMPORT_MAX_BYTES = E.IMPORT_MAX_MB * 1024 * 1024
IMPORT_PENDING_MAX_BYTES = E.IMPORT_PENDING_MAX_MB * 1024 * 1024
# On PostgreSQL, write one batch while parsing the next (a second connection).
IMPORT_PIPELINE = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email ----------------------------------------------------------------------
vars().update(E.env.email_url_config(E.EMAIL_URL))
DEFAULT_FROM_EMAIL = E.DEFAULT_FROM_EMAIL
SERVER_EMAIL = E.DEFAULT_FROM_EMAIL

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "postroom.core.rest.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "postroom.core.rest.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "postroom.core.rest.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "postroom.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "postroom.core.rest.errors.exception_handler",
    # Password guessing on the token endpoint; counted in the shared cache.
    "DEFAULT_THROTTLE_RATES": {"auth": "10/min", "auth_email": "10/min"},
    # Proxies in front of the app; 0 trusts no X-Forwarded-For (clients could forge it).
    "NUM_PROXIES": E.NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Postroom API",
    "DESCRIPTION": "Everything the Postroom UI does, over HTTP. "
    "Authenticate with `Authorization: Token <token>`; choose the workspace with `X-Workspace`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ExperimentModeEnum": "postroom.experiments.models.Mode",
        "ExperimentMetricEnum": "postroom.experiments.models.Metric",
        "ExperimentFallbackEnum": "postroom.experiments.models.Fallback",
        "ImportModeEnum": "postroom.audience.models.ImportMode",
        "SubscriberStatusEnum": "postroom.audience.models.SubscriberStatus",
        "SubscriptionStatusEnum": "postroom.audience.models.SubscriptionStatus",
        "ImportStatusEnum": "postroom.audience.models.ImportStatus",
        "TlsModeEnum": "postroom.delivery.models.TlsMode",
        "PushDeviceKindEnum": "postroom.push.models.DeviceKind",
        "PushProviderKindEnum": "postroom.push.models.ProviderKind",
    },
}

# --- Internationalization -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
# Shown times: the user's zone (postroom.accounts.middleware), one format per language.
FORMAT_MODULE_PATH = ["postroom.core.formats"]

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = E.VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = E.VAR_DIR / "media"
# Files that must never be served (uploaded imports); shared by web and workers.
PRIVATE_FILES_ROOT = E.VAR_DIR / "private"
SERVE_MEDIA = E.SERVE_MEDIA

# --- Security -------------------------------------------------------------------
SESSION_COOKIE_SECURE = E.HTTPS
CSRF_COOKIE_SECURE = E.HTTPS
SECURE_SSL_REDIRECT = E.HTTPS
SECURE_HSTS_SECONDS = 31536000 if E.HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = E.HTTPS
SECURE_HSTS_PRELOAD = E.HTTPS
# Only a proxy of ours may say the request came over HTTPS; without one a client could.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if E.NUM_PROXIES > 0 else None
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = E.HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Read by the server only (the tracking fast path, LocaleMiddleware), never by scripts.
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": E.LOG_LEVEL},
    # The Huey consumer installs its own handler; do not print its lines twice.
    # flufl.bounce names every detector it runs at INFO; httpx and hpack (push providers)
    # log every request and header at INFO and DEBUG: the attempt log keeps the answers.
    "loggers": {
        "huey": {"propagate": False},
        "flufl.bounce": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "hpack": {"level": "WARNING"},
    },
}

# Double opt-in confirmation links are valid for a week.
OPTIN_CONFIRM_MAX_AGE = 7 * 24 * 3600

# Limits on rendering one customer template for one recipient.
RENDER_TIMEOUT_MS = 500
RENDER_MAX_CHARS = 2_000_000
# Link checker: seconds per request; private addresses are never fetched in production.
LINK_CHECK_TIMEOUT = 10.0
LINK_CHECK_ALLOW_PRIVATE = False

# --- Delivery (see postroom/delivery and the README's "Sending") -----------------
SITE_URL = E.SITE_URL
FIELD_ENCRYPTION_KEY = E.FIELD_ENCRYPTION_KEY
BOUNCE_DOMAIN = E.BOUNCE_DOMAIN
RELAY_ALLOW_PRIVATE = E.RELAY_ALLOW_PRIVATE
# Push providers (postroom/push/providers/).
PUSH_FCM_URL = E.PUSH_FCM_URL
PUSH_FCM_TOKEN_URL = E.PUSH_FCM_TOKEN_URL
PUSH_APNS_URL = E.PUSH_APNS_URL
PUSH_APNS_SANDBOX_URL = E.PUSH_APNS_SANDBOX_URL
PUSH_ONESIGNAL_URL = E.PUSH_ONESIGNAL_URL
PUSH_TIMEOUT = E.PUSH_TIMEOUT
PUSH_ALLOW_PRIVATE = E.PUSH_ALLOW_PRIVATE
PUSH_SANDBOX = E.PUSH_SANDBOX
PUSH_SANDBOX_DIR = E.VAR_DIR / "sandbox" / "push"
# Bounce intake (postroom/delivery/bounces.py): soft bounces before suppression, mailbox polling.
BOUNCE_SOFT_LIMIT = E.BOUNCE_SOFT_LIMIT
MAILBOX_TIMEOUT = 30.0
# Messages read from one mailbox per poll; the rest wait for the next one.
MAILBOX_POLL_MAX = 500
# Provider webhooks at /webhooks/anymail/<esp>/tracking/ (django-anymail).
ANYMAIL = {"WEBHOOK_SECRET": E.ANYMAIL_WEBHOOK_SECRET, **E.ANYMAIL_ESP_KEYS}
SANDBOX_DIR = E.VAR_DIR / "sandbox"
# Recipients a worker claims at once, and how long it holds them before the reaper may take them back.
DELIVERY_BATCH_SIZE = 200
DELIVERY_LEASE_SECONDS = 300
# Results are written every this many messages: at most this many can be sent twice after a crash.
DELIVERY_FLUSH_EVERY = 50
# A job sends for at most this long, then hands the rest to a fresh job.
DELIVERY_JOB_SECONDS = 60
DELIVERY_SMTP_TIMEOUT = 30.0
# Backoff after a temporary failure: base * 2^(attempt-1) seconds with jitter, capped.
DELIVERY_BACKOFF_BASE = 60
DELIVERY_BACKOFF_CAP = 3600
DELIVERY_RETRY_HORIZON = E.DELIVERY_RETRY_HOURS * 3600
# Relay trouble in a row that opens its circuit breaker, and how long it stays open before a probe.
RELAY_BREAKER_THRESHOLD = 5
RELAY_BREAKER_OPEN_SECONDS = 60
# A run pauses itself when this share of at least DELIVERY_PAUSE_MIN_ATTEMPTS attempts failed.
DELIVERY_PAUSE_ERROR_RATE = 0.5
DELIVERY_PAUSE_MIN_ATTEMPTS = 50
# The installation's relay (EMAIL_URL) when a workspace has none; the sandbox when it is not SMTP.
DELIVERY_DEFAULT_RELAY_URL = E.EMAIL_URL
DELIVERY_DEFAULT_RELAY_CONNECTIONS = 2
# Its cost per 1,000 messages (None: nothing), for the CRM's spend (postroom/crm/services/relay_spend.py).
DELIVERY_DEFAULT_RELAY_COST_PER_1000 = E.DELIVERY_DEFAULT_RELAY_COST_PER_1000
# The priority lane (transactional messages, postroom/delivery/sending/lane.py): its share of
# each relay's limits, its own short retry schedule (5 s doubling up to 5 minutes), batch size.
TX_RESERVED_SHARE = E.TX_RESERVED_SHARE
TX_RETRY_BASE_SECONDS = 5
TX_RETRY_CAP_SECONDS = 300
TX_RETRY_HOURS = E.TX_RETRY_HOURS
TX_BATCH_SIZE = 50
# Transactional API: attachments' decoded size per request, requests per minute per API token.
TX_ATTACHMENTS_MAX_BYTES = E.TX_ATTACHMENTS_MAX_BYTES
TX_RATE_PER_MINUTE = E.TX_RATE_PER_MINUTE
TX_IDEMPOTENCY_HOURS = 24

# --- Event webhooks (see postroom/webhooks and the README's "Event webhooks") ------
WEBHOOKS_ALLOW_PRIVATE = E.WEBHOOKS_ALLOW_PRIVATE
WEBHOOKS_TIMEOUT = E.WEBHOOKS_TIMEOUT
WEBHOOKS_DISABLE_AFTER_MESSAGES = E.WEBHOOKS_DISABLE_AFTER_MESSAGES
WEBHOOKS_DISABLE_AFTER_DAYS = E.WEBHOOKS_DISABLE_AFTER_DAYS
# Messages one job sends to one endpoint before it hands over to the next job.
WEBHOOKS_BATCH = 100
# Days the delivery log keeps messages that are done (sent, failed): a daily job forgets older ones.
WEBHOOKS_LOG_DAYS = 30

# --- Tracking (see postroom/tracking and the README's "Tracking and reports") -----
# Hits are buffered in Redis when REDIS_URL is set, else in each web process, and
# written in batches: after this many hits or this many seconds, whichever first.
TRACKING_REDIS_URL = E.REDIS_URL
TRACKING_REDIS_PREFIX = f"{E.HUEY_NAME}:tracking"
TRACKING_FLUSH_SIZE = 500
TRACKING_FLUSH_SECONDS = 2.0
# With Redis, each web process sends its hits in one RPUSH this often or when this many wait;
# past TRACKING_PUSH_MAX waiting (Redis away), each hit waits for Redis as it did without the outbox.
TRACKING_PUSH_SECONDS = 0.05
TRACKING_PUSH_SIZE = 200
TRACKING_PUSH_MAX = 50_000
# Click-throughs get utm_source / utm_medium / utm_campaign (kept when the link has its own).
TRACKING_UTM = True
# Clicks this soon after sending, or on this many links within TRACKING_BURST_SECONDS, are a scanner's.
TRACKING_SCANNER_SECONDS = 10
TRACKING_BURST_LINKS = 3
TRACKING_BURST_SECONDS = 2
# Opens this soon after sending are a prefetch, not a person.
TRACKING_PREFETCH_SECONDS = 2
# A conversion reported by address (no click to follow) counts for the recipient's latest
# message (or holdout place) of a run started this many days ago at most.
TRACKING_ATTRIBUTION_DAYS = 30
