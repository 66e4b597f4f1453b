"""`make schema-check`: schemathesis against the API of a real server, bounded and seeded.

A fresh database (DATABASE_URL, PostgreSQL in CI) is migrated and seeded with an
owner, an API token and one of everything; the app then runs under granian with
production settings on a free loopback port, and schemathesis sends every
operation in the schema a bounded number of generated requests. The run fails
on any 500, on a response its schema does not describe, or on a status code
the schema does not declare.

Settings through the environment: SCHEMA_CHECK_MAX_EXAMPLES (per operation, 10),
SCHEMA_CHECK_SEED (0), SCHEMA_CHECK_INCLUDE (a path regex, e.g. `/api/v1/push/`), SCHEMA_CHECK_REPORT_DIR (a junit report, the failing
cases as pytest code and the server's log; default var/schema-check).
"""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own loopback URL)
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer {url} within {seconds} s")


def main() -> int:
    var_dir = tempfile.mkdtemp(prefix="postroom-schema-check-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        HTTPS="false",
        SECRET_KEY="schema-check-" + secrets.token_urlsafe(40),
        POSTROOM_VAR_DIR=var_dir,
        LOG_LEVEL="WARNING",
    )
    os.environ.setdefault("HUEY_NAME", "postroom_schema_check")
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from tests.schema.seed import seed

    token = seed()
    connections.close_all()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    report_dir = Path(os.environ.get("SCHEMA_CHECK_REPORT_DIR", str(ROOT / "var" / "schema-check")))
    report_dir.mkdir(parents=True, exist_ok=True)
    # Thousands of expected 4xx lines would bury schemathesis's report; a 500's traceback is here.
    server_log = (report_dir / "server.log").open("w")
    server = subprocess.Popen(
        [
            *(python, "-m", "granian", "--interface", "wsgi", "config.wsgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--blocking-threads", "4", "--no-ws"),
        ],
        cwd=ROOT,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"{base}/api/v1/schema/", server)
        command = [
            str(Path(python).with_name("schemathesis")),
            "run",
            f"{base}/api/v1/schema/",
            *("--checks", CHECKS),
            *("--max-examples", os.environ.get("SCHEMA_CHECK_MAX_EXAMPLES", "10")),
            *("--seed", os.environ.get("SCHEMA_CHECK_SEED", "0")),
            "--generation-deterministic",
            # One worker: with two, schemathesis 4.32 once failed on its own (a KeyError in
            # its coverage-phase cache), and the run must be deterministic.
            *("--workers", "1"),
            *("--phases", "examples,coverage,fuzzing"),
            *("--request-timeout", "30"),
            *("--header", f"Authorization: Token {token}"),
            *("--report", "junit,pytest"),
            *("--report-dir", str(report_dir)),
            "--no-color",
        ]
        if os.environ.get("SCHEMA_CHECK_INCLUDE"):  # a path regex: one app's endpoints only
            command += ["--include-path-regex", os.environ["SCHEMA_CHECK_INCLUDE"]]
        return subprocess.run(command, cwd=ROOT).returncode
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
        print(f"server log: {report_dir / 'server.log'}")


if __name__ == "__main__":
    sys.exit(main())
