"""Processes of the real app for integration tests: a database of their own, manage.py, stop.

Each test gets a database that its processes share: a SQLite file, or a fresh
PostgreSQL database when DATABASE_URL names one (CI runs the suite both ways),
plus a Redis queue of its own with REDIS_URL.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "HUEY_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        SECRET_KEY="integration",
        POSTROOM_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        HUEY_NAME=f"it-{uuid.uuid4().hex[:8]}",
        RELAY_ALLOW_PRIVATE="true",  # the test relay listens on loopback
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    database = None
    if PG:
        import psycopg

        database = f"postroom_it_{uuid.uuid4().hex[:8]}"
        parts = urlsplit(os.environ["DATABASE_URL"])
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    manage(env, "migrate", "--noinput", "-v", "0")
    yield env
    if database:
        import psycopg

        parts = urlsplit(os.environ["DATABASE_URL"])
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def shell(env: dict[str, str], code: str) -> dict:
    out = manage(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def wait_until(check, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("timed out")


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=30)[0].decode()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[0].decode()
