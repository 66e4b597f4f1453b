"""Settings for the test suite: the real settings with test-friendly environment defaults.

DATABASE_URL and REDIS_URL are left to the caller so that CI runs the same
suite on SQLite and on PostgreSQL with Redis.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("HUEY_IMMEDIATE", "true")
os.environ.setdefault("POSTROOM_VAR_DIR", tempfile.mkdtemp(prefix="postroom-test-var-"))

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Tests run inside a transaction the writer thread's connection could not see;
# the pipelined path has its own transactional test.
IMPORT_PIPELINE = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared memory: the live server's threads then open
    # their own connections, as real web processes do.
    DATABASES["default"]["TEST"] = {"NAME": str(E.VAR_DIR / "test.sqlite3")}  # noqa: F405
# The link checker is tested against servers on loopback.
LINK_CHECK_ALLOW_PRIVATE = True
LINK_CHECK_TIMEOUT = 1.0
# Test relays listen on loopback.
RELAY_ALLOW_PRIVATE = True
# Test webhook receivers listen on loopback (the refusals turn it off).
WEBHOOKS_ALLOW_PRIVATE = True
# Fake push providers and webhook receivers listen on loopback.
PUSH_ALLOW_PRIVATE = True
# Providers are the fake peers; the push sandbox's own tests turn it on.
PUSH_SANDBOX = False
# Tests flush tracking hits themselves; the web process's flush thread would write from
# a thread pytest-django does not let near the test database.
TRACKING_FLUSH_SECONDS = 3600.0
# Each pytest-xdist worker keeps its own keys in a shared Redis, and empties only those.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"{E.HUEY_NAME}-test-{_WORKER}"  # noqa: F405
TRACKING_REDIS_PREFIX = f"{E.HUEY_NAME}-test-{_WORKER}:tracking"  # noqa: F405
