"""Real worker processes against a real SMTP server: a crash, and two workers sharing limits.

Each test gets a database of its own that the worker processes share: a
SQLite file, or a fresh PostgreSQL database when DATABASE_URL names one (CI
runs the suite both ways), plus a Redis queue of its own with REDIS_URL.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from postroom.delivery.tests.faultsmtp import FaultServer
from tests.integration.processes import PG, ROOT, manage, shell, stop, wait_until

SETUP = """
import json
from postroom.accounts.tests.factories import MembershipFactory
from postroom.delivery.tests.factories import launched_run, relay_for
from postroom.campaigns.models import CampaignStatus
class Server: port = {port}
owner = MembershipFactory(role="owner")
relay = relay_for(Server, owner.workspace, max_connections={connections},
                  rate_per_second={rate})
campaign, run, people = launched_run(owner.workspace, {count})
print(json.dumps({{"run": run.pk, "campaign": campaign.pk}}))
"""

STATE = """
import json
from django.db.models import Count
from postroom.delivery.models import Delivery
rows = Delivery.objects.filter(run_id={run}).values_list("status").annotate(n=Count("id"))
reclaimed = Delivery.objects.filter(run_id={run}, reclaimed__gt=0).count()
print(json.dumps({{"counts": dict(rows), "reclaimed": reclaimed}}))
"""


def worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture
def smtp() -> Iterator[FaultServer]:
    server = FaultServer().start()
    yield server
    server.stop()


def test_a_worker_killed_mid_batch_loses_nobody_and_its_duplicates_are_counted(env, smtp):
    count = 300
    # Slow enough that the kill lands in the middle of a batch.
    smtp.on("*", "data", action="slow", seconds=0.01)
    ids = shell(env, SETUP.format(port=smtp.port, connections=1, rate=0, count=count))
    enqueue = f"from postroom.delivery.tasks import run_send_job; run_send_job({ids['run']})"

    first = worker(env, "--threads", "1", "--no-periodic")
    try:
        manage(env, "shell", "-c", enqueue)
        wait_until(lambda: len(smtp.received) >= 75)
        os.killpg(first.pid, signal.SIGKILL)  # no clean shutdown, no flush
        first.wait(timeout=10)
    finally:
        stop(first)
    killed_at = len(smtp.received)
    assert killed_at < count, "the worker finished before it was killed"

    # The reaper, once the dead worker's lease has run out, takes its deliveries back.
    reap = (
        "import datetime as dt, json; from django.utils import timezone; "
        "from postroom.delivery.sending.maintenance import deliveries_maintain; "
        "deliveries_maintain(lease_now=timezone.now() + dt.timedelta(hours=1)); "
        + STATE.format(run=ids["run"]).replace("\n", "; ").strip("; ")
    )
    reclaimed = shell(env, reap)["reclaimed"]
    assert 0 < reclaimed <= 200  # at most the batch in flight

    second = worker(env, "--threads", "1")
    try:
        manage(env, "shell", "-c", enqueue)
        state = wait_until(
            lambda: (
                (s := shell(env, STATE.format(run=ids["run"])))["counts"].get("sent") == count and s
            )
        )
    finally:
        output = stop(second)
    copies = Counter(r.recipient for r in smtp.received)
    duplicates = sum(n - 1 for n in copies.values())
    assert len(copies) == count, output  # nobody lost
    assert state["counts"] == {"sent": count}
    # Only what was sent since the dead worker's last write can go twice: at most one
    # flush (DELIVERY_FLUSH_EVERY), and every such recipient is marked.
    assert duplicates <= 50
    assert state["reclaimed"] >= duplicates
    print(f"killed after {killed_at} sent; {reclaimed} reclaimed; {duplicates} duplicates")


@pytest.mark.skipif(
    not (PG and os.environ.get("REDIS_URL")), reason="needs PostgreSQL and Redis (CI runs both)"
)
def test_two_workers_share_the_work_and_the_rate_limit(env, smtp):
    count, rate = 150, 25
    ids = shell(env, SETUP.format(port=smtp.port, connections=4, rate=rate, count=count))
    enqueue = (
        "from postroom.delivery.tasks import run_send_job\n"
        f"for _ in range(4): run_send_job({ids['run']})"
    )
    workers = [worker(env, "--threads", "2", "--no-periodic") for _ in range(2)]
    outputs = []
    try:
        time.sleep(2)  # both consumers are up before the jobs arrive
        manage(env, "shell", "-c", enqueue)
        wait_until(lambda: len(smtp.received) >= count, timeout=120)
    finally:
        outputs = [stop(w) for w in workers]
    received = smtp.received
    assert len({r.recipient for r in received}) == count == len(received)
    per_second = Counter(int(r.at) for r in received)
    # Fixed one-second windows shared through Redis. The server stamps arrival a moment
    # after the limiter counted, so a message can cross into the next second: a little slack
    # per second, none over the whole run.
    assert max(per_second.values()) <= rate + 5, per_second
    # 150 at 25 a second fill six windows; the first may be entered at its very end and
    # the last at its very start, so at least four seconds pass between first and last.
    elapsed = max(r.at for r in received) - min(r.at for r in received)
    assert elapsed >= count / rate - 2, elapsed
    assert all("run_send_job" in out for out in outputs), outputs  # both took jobs
