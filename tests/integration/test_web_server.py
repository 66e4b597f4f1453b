"""The Procfile's web server, started as in production: hits held by its workers survive a stop.

The pixel's hits wait in each web worker (a batch for Redis, or for the
database without Redis). A clean stop (SIGTERM, as a deploy or `make run`'s
Ctrl+C sends) must hand them on, whatever the server does with its workers.
"""

import os
import signal
import socket
import subprocess
import urllib.request

from tests.integration.processes import ROOT, shell, stop, wait_until

SETUP = """
import json, datetime as dt
from django.urls import reverse
from django.utils import timezone
from postroom.accounts.tests.factories import MembershipFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.tests.factories import launched_run
from postroom.tracking.tokens import OPEN, token_make
owner = MembershipFactory(role="owner")
campaign, run, people = launched_run(owner.workspace, {count})
Delivery.objects.filter(run=run).update(
    status=DeliveryStatus.SENT, sent_at=timezone.now() - dt.timedelta(hours=1))
ids = Delivery.objects.filter(run=run).values_list("pk", flat=True)
print(json.dumps({{"paths": [reverse("tracking_open", args=[token_make(OPEN, d)]) for d in ids]}}))
"""

OPENS = """
import json
from postroom.tracking.buffer import hits_flush
from postroom.tracking.models import Event
hits_flush()
print(json.dumps({"opens": Event.objects.filter(kind="open").count()}))
"""


def web_server(env: dict[str, str], port: int) -> subprocess.Popen:
    line = next(
        entry.split(":", 1)[1].strip()
        for entry in (ROOT / "Procfile").read_text().splitlines()
        if entry.startswith("web:")
    )
    return subprocess.Popen(
        ["bash", "-c", f"exec {line}"],
        cwd=ROOT,
        env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_hits_held_by_the_web_workers_are_written_after_a_clean_stop(env):
    # given the production web server, whose workers hold every hit until they exit
    env = {**env, "DJANGO_SETTINGS_MODULE": "tests.integration.settings_held_hits"}
    paths = shell(env, SETUP.format(count=40))["paths"]
    port = free_port()
    server = web_server(env, port)
    try:
        wait_until(lambda: answers(port), timeout=60)
        for path in paths:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                assert response.headers["Content-Type"] == "image/gif"
        assert shell(env, OPENS)["opens"] == 0  # all still held by the workers

        # when the server is stopped as a deploy stops it
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    finally:
        output = stop(server)

    # then every hit was handed on and is written
    assert server.returncode == 0, output
    assert shell(env, OPENS)["opens"] == len(paths), output
