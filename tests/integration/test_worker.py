"""A real worker process: `manage.py run_huey` consumes the queue and beats.

Uses a SQLite file database shared by this test and the worker, and the queue
the settings choose: SqliteHuey, or RedisHuey when REDIS_URL is set (CI runs
the suite both ways).
"""

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HUEY_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        POSTROOM_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    if os.environ.get("REDIS_URL"):
        # A queue of its own so that no other run's jobs are consumed here.
        env["REDIS_URL"] = os.environ["REDIS_URL"]
        env["HUEY_NAME"] = f"test-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


def _wait_for(query: str, db: Path, timeout: float = 30.0) -> list[tuple[object, ...]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            rows = conn.execute(query).fetchall()
        if rows:
            return rows
        time.sleep(0.2)
    raise AssertionError(f"nothing for {query!r} within {timeout}s")


def test_it_records_a_heartbeat_and_runs_enqueued_jobs(worker_env, tmp_path):
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        rows = _wait_for("SELECT name FROM core_workerheartbeat", tmp_path / "db.sqlite3")
        assert rows

        enqueue = (
            "from postroom.core.tasks import worker_heartbeat_named; "
            "worker_heartbeat_named('enqueued-job')"
        )
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", enqueue],
            cwd=ROOT,
            env=worker_env,
            check=True,
        )
        _wait_for(
            "SELECT name FROM core_workerheartbeat WHERE name = 'enqueued-job'",
            tmp_path / "db.sqlite3",
        )
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    assert worker.returncode in (0, -15), output
