"""Benchmark the priority lane: transactional latency while a large campaign is sending.

    make bench-tx                                   # 100,000 recipients, 2,000 tx messages at 20/s
    BENCH_RECIPIENTS=20000 BENCH_TX=400 make bench-tx

On PostgreSQL + Redis, with the production web server (the Procfile's `web`
line), one Huey worker for the lane's jobs (`run_worker --no-periodic`) and
BENCH_WORKERS engine processes for the campaign (as `make bench-send`), all
sending into one local SMTP sink (aiosmtpd, `bench/tx_sink.py`) that notes the
moment each transactional message arrives.

1. The campaign alone: its throughput.
2. The same campaign again (a second run over the same list) while BENCH_TX
   messages are submitted through `POST /api/v1/tx/` at BENCH_TX_RATE per second.
   Latency: from the client's receipt of the 202 to the sink's acceptance.

The relay allows BENCH_WORKERS + 2 connections, so TX_RESERVED_SHARE (20 %)
reserves one for the lane. Prints p50, p95, p99 and max latency and both
campaign throughputs. Asserts nothing.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import django
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send_bench import free_port, populate, processes  # noqa: E402


def environment() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("NUM_PROXIES", "1")  # the pretend HTTPS proxy's X-Forwarded-Proto
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ.setdefault("HUEY_NAME", "postroom-bench-tx")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["RELAY_ALLOW_PRIVATE"] = "true"
    os.environ.setdefault("TX_RATE_PER_MINUTE", "100000")


def started(
    command: list[str], folder: Path, name: str, *, talk: bool = False, **env: str
) -> subprocess.Popen:
    """A process whose output goes to a file (a pipe nobody reads would block it), or to us."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE if talk else (folder / f"{name}.out").open("w"),
        stderr=(folder / f"{name}.log").open("w"),
        text=True,
        start_new_session=True,
    )


def wait_port(port: int, process: subprocess.Popen, what: str) -> None:
    import socket

    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None:
                sys.exit(f"{what} did not start")
            time.sleep(0.1)
    sys.exit(f"{what} did not start")


def setup(recipients: int, port: int, workers: int):
    """One workspace: the list, the relay into the sink, the campaign message, a tx template."""
    from rest_framework.authtoken.models import Token

    from bench.message import TEMPLATE
    from postroom.accounts.models import User
    from postroom.accounts.services import workspace_create
    from postroom.audience.models import MailingList
    from postroom.content.models import Message, MessageKind
    from postroom.delivery.models import SmtpRelay

    owner, _ = User.objects.get_or_create(email="bench-tx@example.com")
    workspace = workspace_create(owner=owner, name=f"bench tx {time.time():.0f}")
    the_list = MailingList.objects.create(workspace=workspace, name="Bench")
    populate(workspace.pk, the_list.pk, recipients, f"t{time.time():.0f}.")
    SmtpRelay.objects.create(
        workspace=workspace,
        name="sink",
        host="127.0.0.1",
        port=port,
        tls="none",
        max_connections=workers + 2,
    )
    message = Message.objects.create(
        workspace=workspace,
        name="Bench",
        subject="Hello {{ subscriber.first_name }}",
        from_email="news@example.com",
        body=TEMPLATE,
    )
    template = Message.objects.create(
        workspace=workspace,
        name="Receipt",
        kind=MessageKind.TRANSACTIONAL,
        subject="Your order {{ order_id }}",
        from_email="shop@example.com",
        body="<p>Thank you. Order {{ order_id }} is on its way.</p>",
        required_variables=["order_id"],
    )
    token, _ = Token.objects.get_or_create(user=owner)
    return workspace, the_list, message, template, token.key


def campaign_run(workspace, the_list, message, name: str) -> int:
    from django.utils import timezone

    from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus
    from postroom.delivery.sending.launch import run_launch

    campaign = Campaign.objects.create(
        workspace=workspace,
        name=name,
        message=message,
        start_at=timezone.now(),
        status=CampaignStatus.RUNNING,
    )
    campaign.lists.add(the_list)
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
    run_launch(run.pk)
    return run.pk


class Submitter(threading.Thread):
    """BENCH_TX requests at a steady rate, one recipient each; notes when each 202 arrived."""

    def __init__(
        self, url: str, token: str, workspace_id: int, template_id: int, count: int, rate: float
    ):
        super().__init__(daemon=True)
        self.url, self.count, self.rate = url, count, rate
        self.headers = {
            "Authorization": f"Token {token}",
            "X-Workspace": str(workspace_id),
            "X-Forwarded-Proto": "https",
        }
        self.template_id = template_id
        self.accepted: dict[int, float] = {}
        self.errors: list[str] = []

    def run(self) -> None:
        with httpx.Client(headers=self.headers, timeout=30) as client:
            start = time.monotonic()
            for n in range(self.count):
                delay = start + n / self.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                response = client.post(
                    self.url,
                    json={
                        "template": self.template_id,
                        "to": [f"tx{n}@example.com"],
                        "data": {"order_id": f"B-{n}"},
                        "headers": {"X-Tag": f"bench-{n}"},
                    },
                )
                if response.status_code == 202:
                    self.accepted[n] = time.time()
                else:
                    self.errors.append(f"{response.status_code} {response.text[:200]}")


def arrivals(log: Path) -> dict[int, float]:
    found = {}
    for line in log.read_text().splitlines():
        tag, _, at = line.partition(" ")
        found[int(tag)] = float(at)
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    recipients = int(os.environ.get("BENCH_RECIPIENTS", "100000"))
    tx_count = int(os.environ.get("BENCH_TX", "2000"))
    tx_rate = float(os.environ.get("BENCH_TX_RATE", "20"))
    workers = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) + 1)))
    environment()
    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or "Redis" not in settings.HUEY["huey_class"]:
        sys.exit("bench-tx measures PostgreSQL + Redis: set DATABASE_URL and REDIS_URL")
    folder = Path(tempfile.mkdtemp(prefix="postroom-bench-tx-"))
    log = folder / "arrivals.txt"
    log.touch()
    smtp_port, web_port = free_port(), free_port()
    sink = started(
        [sys.executable, "bench/tx_sink.py", str(smtp_port), str(log)], folder, "sink", talk=True
    )
    assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
    web_line = next(
        entry.split(":", 1)[1].strip()
        for entry in (ROOT / "Procfile").read_text().splitlines()
        if entry.startswith("web:")
    )
    web = started(
        ["bash", "-c", f"exec {web_line}"], folder, "web", HOST="127.0.0.1", PORT=str(web_port)
    )
    worker = started(
        [sys.executable, "manage.py", "run_worker", "--threads", "2", "--no-periodic"],
        folder,
        "worker",
    )
    try:
        wait_port(web_port, web, "the web server")
        print(
            f"bench-tx: {recipients:,} recipients, {workers} engine processes, {tx_count:,} tx at {tx_rate:g}/s"
        )
        workspace, the_list, message, template, token = setup(recipients, smtp_port, workers)
        sender = [sys.executable, "bench/send_worker.py"]

        run_a = campaign_run(workspace, the_list, message, "Alone")
        wall_a, _cpu, reports = processes([[*sender, str(run_a)]] * workers)
        alone = sum(r["sent"] for r in reports) / wall_a
        print(f"  campaign alone: {alone:,.0f} messages/s ({wall_a:.1f} s)")

        run_b = campaign_run(workspace, the_list, message, "With tx")
        submitter = Submitter(
            f"http://127.0.0.1:{web_port}/api/v1/tx/",
            token,
            workspace.pk,
            template.pk,
            tx_count,
            tx_rate,
        )
        submitter.start()
        wall_b, _cpu, reports = processes([[*sender, str(run_b)]] * workers)
        loaded = sum(r["sent"] for r in reports) / wall_b
        submitter.join()
        deadline = time.time() + 30
        while len(arrivals(log)) < len(submitter.accepted) and time.time() < deadline:
            time.sleep(0.2)
        arrived = arrivals(log)
        latencies = [arrived[n] - at for n, at in submitter.accepted.items() if n in arrived]
        print(
            f"  campaign with tx load: {loaded:,.0f} messages/s ({wall_b:.1f} s); slowed by {1 - loaded / alone:.1%}"
        )
        print(
            f"  tx: {len(submitter.accepted):,} accepted (202), {len(latencies):,} arrived, "
            f"{len(submitter.errors)} refused{'; first: ' + submitter.errors[0] if submitter.errors else ''}"
        )
        if latencies:
            print(
                "  202 -> sink: "
                + ", ".join(
                    f"{name} {percentile(latencies, share) * 1000:.0f} ms"
                    for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
                )
                + f", max {max(latencies) * 1000:.0f} ms"
            )
        print(f"  logs in {folder}")
    finally:
        for process in (web, worker):
            os.killpg(process.pid, 15)
        assert sink.stdin is not None
        sink.stdin.close()
        sink.wait(timeout=10)


if __name__ == "__main__":
    main()
