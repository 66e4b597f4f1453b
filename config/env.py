"""Every environment variable Postroom reads, in one place.

Each one is documented in the README's configuration table. Values are read
through django-environ so that a malformed value fails loudly at start-up.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("DEBUG", default=False)

# Where SQLite databases, the embedded job queue, uploads and mail sinks live.
VAR_DIR = Path(env.str("POSTROOM_VAR_DIR", default=str(BASE_DIR / "var")))

_secret_key: str | None = env.str("SECRET_KEY", default=None)
if not _secret_key:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (make run creates one in var/secret_key)."
        )
    _secret_key = "insecure-development-key-only-for-debug"  # noqa: S105
SECRET_KEY: str = _secret_key

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind HTTPS (the production default): secure cookies, HSTS, redirects.
HTTPS: bool = env.bool("HTTPS", default=not DEBUG)

DATABASE_URL: str = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'postroom.sqlite3'}")
REDIS_URL: str | None = env.str("REDIS_URL", default=None) or None
EMAIL_URL: str = env.str("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Postroom <postroom@localhost>")

# How long a worker may stay silent before /health/ reports it stale.
WORKER_STALE_SECONDS: int = env.int("WORKER_STALE_SECONDS", default=180)

# Jobs run inline in the calling process (tests, one-off scripts).
HUEY_IMMEDIATE: bool = env.bool("HUEY_IMMEDIATE", default=False)
HUEY_WORKERS: int = env.int("HUEY_WORKERS", default=2)
# Name of the queue (the Redis key prefix); separate installations sharing a Redis differ.
HUEY_NAME: str = env.str("HUEY_NAME", default="postroom")

# Reverse proxies in front of the web server (for client addresses in rate limits).
NUM_PROXIES: int = env.int("NUM_PROXIES", default=0)

SERVE_MEDIA: bool = env.bool("SERVE_MEDIA", default=True)
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")

# Superuser created by `make run` (manage.py ensure_admin) when both are set.
POSTROOM_ADMIN_EMAIL: str = env.str("POSTROOM_ADMIN_EMAIL", default="")
POSTROOM_ADMIN_PASSWORD: str = env.str("POSTROOM_ADMIN_PASSWORD", default="")

# Largest CSV file accepted for import, in megabytes.
IMPORT_MAX_MB: int = env.int("IMPORT_MAX_MB", default=500)
# Disk one workspace's uploaded, not yet imported files may take together, in megabytes.
IMPORT_PENDING_MAX_MB: int = env.int("IMPORT_PENDING_MAX_MB", default=1024)

# Where the web server listens (the Procfile's and `make run`'s granian); read here
# only to make the default SITE_URL.
HOST: str = env.str("HOST", default="127.0.0.1")
PORT: int = env.int("PORT", default=8000)


def _local_site_url(host: str, port: int) -> str:
    """The address of a server bound to `host`:`port`, as a browser on this machine reaches it.

    A wildcard bind (0.0.0.0, ::) listens on loopback too; an IPv6 literal needs brackets.
    """
    host = host.strip().strip("[]")
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 (read, not bound)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


# The address people reach this installation at: every link in sent mail (tracked
# links, the open pixel, web view, unsubscribe). Without it, the embedded server's
# own address; set it whenever people reach the site by another name (a proxy, a domain).
SITE_URL: str = env.str("SITE_URL", default="").rstrip("/") or _local_site_url(HOST, PORT)
# Key for secrets stored in the database (relay passwords, DKIM keys); derived
# from SECRET_KEY when empty, so changing SECRET_KEY then means re-entering them.
FIELD_ENCRYPTION_KEY: str = env.str("FIELD_ENCRYPTION_KEY", default="")
# Envelope sender domain for bounces (Return-Path); the From address's domain when empty.
BOUNCE_DOMAIN: str = env.str("BOUNCE_DOMAIN", default="")
# Soft bounces (4.x.x, delayed) of one address in a workspace before it is suppressed.
BOUNCE_SOFT_LIMIT: int = env.int("BOUNCE_SOFT_LIMIT", default=3)
# Basic-auth "user:password" the provider webhooks (/webhooks/anymail/) require.
ANYMAIL_WEBHOOK_SECRET: str = env.str("ANYMAIL_WEBHOOK_SECRET", default="")
# Per-provider webhook keys (anymail's setting names); each unset one is left out.
ANYMAIL_ESP_KEYS: dict[str, str] = {
    name: value
    for name in (
        "MAILGUN_WEBHOOK_SIGNING_KEY",
        "POSTAL_WEBHOOK_KEY",
        "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY",
        "MAILERSEND_SIGNING_SECRET",
        "MAILTRAP_TRACKING_SECRET",
        "RESEND_SIGNING_SECRET",
        "MANDRILL_WEBHOOK_KEY",
        "MANDRILL_WEBHOOK_URL",
    )
    if (value := env.str(name, default=""))
}
# Retry a temporarily refused delivery for this many hours, then fail it.
DELIVERY_RETRY_HOURS: int = env.int("DELIVERY_RETRY_HOURS", default=48)
# Let workspaces point relays at private, loopback or link-local addresses (their
# answers are shown to the workspace): on for single-tenant installations only.
RELAY_ALLOW_PRIVATE: bool = env.bool("RELAY_ALLOW_PRIVATE", default=False)
# Event webhooks (postroom/webhooks): let endpoints be at private, loopback or
# link-local addresses (single-team installations only), the seconds a receiver
# has to answer, and when a failing endpoint is disabled.
WEBHOOKS_ALLOW_PRIVATE: bool = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
WEBHOOKS_TIMEOUT: float = env.float("WEBHOOKS_TIMEOUT", default=5.0)
WEBHOOKS_DISABLE_AFTER_MESSAGES: int = env.int("WEBHOOKS_DISABLE_AFTER_MESSAGES", default=5)
WEBHOOKS_DISABLE_AFTER_DAYS: float = env.float("WEBHOOKS_DISABLE_AFTER_DAYS", default=5.0)
# Transactional messages: the share of each relay's rate limits and connections kept
# for them (campaigns use the rest), their retry schedule, attachments, API rate.
TX_RESERVED_SHARE: float = env.float("TX_RESERVED_SHARE", default=0.2)
if not 0 <= TX_RESERVED_SHARE < 1:
    raise ImproperlyConfigured("TX_RESERVED_SHARE must be at least 0 and below 1")
TX_RETRY_HOURS: int = env.int("TX_RETRY_HOURS", default=4)
TX_ATTACHMENTS_MAX_BYTES: int = env.int("TX_ATTACHMENTS_MAX_BYTES", default=7 * 1024 * 1024)
TX_RATE_PER_MINUTE: int = env.int("TX_RATE_PER_MINUTE", default=600)


def _cost(name: str, text: str) -> Decimal | None:
    """An optional non-negative amount (a dot for decimals); a malformed one stops the start."""
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value < 1_000_000:
        raise ImproperlyConfigured(f"{name} must be an amount between 0 and 999999.9999: {text!r}")
    return value.quantize(Decimal("0.0001"), ROUND_HALF_UP)


# What 1,000 messages through EMAIL_URL cost, in the workspaces' CRM currency (empty:
# nothing); the spend of email advertising campaigns sent through it is derived from it.
DELIVERY_DEFAULT_RELAY_COST_PER_1000: Decimal | None = _cost(
    "DELIVERY_DEFAULT_RELAY_COST_PER_1000",
    env.str("DELIVERY_DEFAULT_RELAY_COST_PER_1000", default=""),
)

# Push providers (postroom/push/providers/): their base URLs (tests point them at local
# servers), the HTTP timeout, and whether Web Push endpoints and push webhooks may lead
# into private networks (both come from outside: browsers, workspaces).
PUSH_FCM_URL: str = env.str("PUSH_FCM_URL", default="https://fcm.googleapis.com")
PUSH_FCM_TOKEN_URL: str = env.str(
    "PUSH_FCM_TOKEN_URL", default="https://oauth2.googleapis.com/token"
)
PUSH_APNS_URL: str = env.str("PUSH_APNS_URL", default="https://api.push.apple.com")
PUSH_APNS_SANDBOX_URL: str = env.str(
    "PUSH_APNS_SANDBOX_URL", default="https://api.sandbox.push.apple.com"
)
PUSH_ONESIGNAL_URL: str = env.str("PUSH_ONESIGNAL_URL", default="https://api.onesignal.com")
PUSH_TIMEOUT: float = env.float("PUSH_TIMEOUT", default=10.0)
PUSH_ALLOW_PRIVATE: bool = env.bool("PUSH_ALLOW_PRIVATE", default=False)
# Pushes of workspaces without settings for a provider go to the push sandbox (var/sandbox/push).
PUSH_SANDBOX: bool = env.bool("PUSH_SANDBOX", default=DEBUG)
