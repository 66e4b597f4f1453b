"""Benchmark the delivery engine end to end on PostgreSQL, against a baseline, in one run.

    make bench-send                  # 100,000 recipients; launch timed at 1,000,000
    BENCH_RECIPIENTS=20000 BENCH_LAUNCH_ROWS=0 make bench-send

1. Launch: a run over BENCH_LAUNCH_ROWS subscribers (one INSERT ... SELECT).
2. Engine: BENCH_WORKERS processes (cores + 1) run the real engine (claim, re-check, render
   a personalized ~15 KB HTML message with 5 links, build MIME, send over
   pooled SMTP, log every attempt) into Postfix's smtp-sink.
3. Baseline: the same number of processes push the engine's own messages for
   that run (the same bytes, built before the clock starts) over persistent
   smtplib connections into the same sink.
Prints messages per second, CPU-seconds per 1,000 messages (the senders' own
and the whole machine's, which includes PostgreSQL and the sink) and peak
memory. Asserts nothing.
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def machine_busy() -> float:
    """CPU-seconds spent by the whole machine so far (all cores, not idle)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sink(port: int) -> subprocess.Popen:
    binary = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
    if not Path(binary).exists():
        sys.exit("smtp-sink not found: install Debian's postfix package (make bench-send does)")
    user = ["-u", "nobody"] if os.geteuid() == 0 else []
    process = subprocess.Popen([binary, *user, f"127.0.0.1:{port}", "256"])
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    sys.exit("smtp-sink did not start")


def populate(workspace_id: int, list_id: int, rows: int, prefix: str) -> None:
    """Subscribers and subscriptions made by the database itself (fast, not what is measured)."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audience_subscriber (workspace_id, email, full_name, comment, attributes,"
            " time_zone, language, source, status, created_at, updated_at)"
            " SELECT %s, %s || g || '@example' || (g %% 50) || '.com', 'Person ' || g, '', '{}',"
            " '', '', 'bench', 'active', now(), now() FROM generate_series(1, %s) g",
            [workspace_id, prefix, rows],
        )
        cursor.execute(
            "INSERT INTO audience_subscription (workspace_id, subscriber_id, mailing_list_id,"
            " status, source, subscribed_at, created_at, updated_at)"
            " SELECT %s, id, %s, 'subscribed', 'import', now(), now(), now()"
            " FROM audience_subscriber WHERE workspace_id = %s",
            [workspace_id, list_id, workspace_id],
        )
        # Autovacuum would have visited freshly loaded tables by launch time (it may be off).
        cursor.execute("VACUUM (ANALYZE) audience_subscriber")
        cursor.execute("VACUUM (ANALYZE) audience_subscription")
        # The setup's writes are checkpointed now, not in the middle of what is measured.
        # (CHECKPOINT needs a superuser or pg_checkpoint; without one the figures carry them.)
        with contextlib.suppress(DatabaseError):  # autocommit: a refusal changes nothing
            cursor.execute("CHECKPOINT")


def campaign_for(rows: int, prefix: str, port: int | None, workers: int):
    from django.utils import timezone

    from bench.message import TEMPLATE
    from postroom.accounts.models import User
    from postroom.accounts.services import workspace_create
    from postroom.audience.models import MailingList
    from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus
    from postroom.content.models import Message
    from postroom.delivery.models import SmtpRelay

    owner, _ = User.objects.get_or_create(email="bench@example.com")
    workspace = workspace_create(owner=owner, name=f"bench {time.time():.0f}")
    the_list = MailingList.objects.create(workspace=workspace, name="Bench")
    t0 = time.perf_counter()
    populate(workspace.pk, the_list.pk, rows, prefix)
    print(f"  {rows:,} subscribers made in {time.perf_counter() - t0:.1f} s (setup)")
    if port is not None:
        SmtpRelay.objects.create(
            workspace=workspace,
            name="smtp-sink",
            host="127.0.0.1",
            port=port,
            tls="none",
            max_connections=workers,
        )
    message = Message.objects.create(
        workspace=workspace,
        name="Bench",
        subject="Hello {{ subscriber.first_name }}",
        from_email="news@example.com",
        from_name="News",
        body=TEMPLATE,
    )
    campaign = Campaign.objects.create(
        workspace=workspace,
        name="Bench",
        message=message,
        start_at=timezone.now(),
        status=CampaignStatus.RUNNING,
    )
    campaign.lists.add(the_list)
    return CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())


def processes(commands: list[list[str]], *, go: bool = False) -> tuple[float, float, list[dict]]:
    """Run the commands at once; (wall seconds, machine CPU-seconds, their JSON reports)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = [
        subprocess.Popen(
            c, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for c in commands
    ]
    if go:
        for p in started:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    busy, t0 = machine_busy(), time.perf_counter()
    if go:
        for p in started:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
    outputs = [p.communicate()[0] for p in started]
    wall, cpu = time.perf_counter() - t0, machine_busy() - busy
    if any(p.returncode for p in started):
        sys.exit("a sender failed:\n" + "\n".join(outputs))
    return wall, cpu, [json.loads(o.strip().splitlines()[-1]) for o in outputs]


def main() -> None:
    recipients = int(os.environ.get("BENCH_RECIPIENTS", "100000"))
    launch_rows = int(os.environ.get("BENCH_LAUNCH_ROWS", "1000000"))
    # One sender per core plus one, to keep the cores busy while senders wait on replies.
    workers = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) + 1)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from postroom.delivery.sending.launch import run_launch

    if connection.vendor != "postgresql":
        sys.exit("bench-send measures the PostgreSQL path: set DATABASE_URL to PostgreSQL")

    if launch_rows:
        print(f"launch of {launch_rows:,} recipients:")
        run = campaign_for(launch_rows, f"l{time.time():.0f}.", None, workers)
        t0 = time.perf_counter()
        created = run_launch(run.pk)
        print(f"  {created:,} deliveries created in {time.perf_counter() - t0:.1f} s")

    port = free_port()
    smtp_sink = sink(port)
    try:
        print(f"engine: {recipients:,} recipients, {workers} worker processes, smtp-sink:")
        run = campaign_for(recipients, f"s{time.time():.0f}.", port, workers)
        t0 = time.perf_counter()
        run_launch(run.pk)
        print(f"  launched in {time.perf_counter() - t0:.1f} s")
        command = [sys.executable, "bench/send_worker.py", str(run.pk)]
        wall, machine, reports = processes([command] * workers)
        sent = sum(r["sent"] for r in reports)
        own = sum(r["cpu"] for r in reports)
        engine_rate = sent / wall
        print(
            f"  {sent:,} sent in {wall:.1f} s: {engine_rate:,.0f} messages/s; CPU per 1,000:"
            f" {own / sent * 1000:.2f} s in the senders, {machine / sent * 1000:.2f} s machine;"
            f" peak RSS {max(r['rss_mb'] for r in reports):.0f} MB per sender"
        )

        print(f"baseline: the same messages pre-built, {workers} smtplib connections:")
        share = recipients // workers
        commands = [
            [
                sys.executable,
                "bench/send_baseline.py",
                str(port),
                str(run.pk),
                str(i * share),
                str(
                    share if i < workers - 1 else recipients - i * share
                ),  # the last takes the rest
            ]
            for i in range(workers)
        ]
        wall, machine, reports = processes(commands, go=True)
        sent = sum(r["sent"] for r in reports)
        baseline_rate = sent / wall
        own = sum(r["cpu"] for r in reports)
        print(
            f"  {sent:,} sent in {wall:.1f} s: {baseline_rate:,.0f} messages/s; CPU per 1,000:"
            f" {own / sent * 1000:.2f} s in the senders, {machine / sent * 1000:.2f} s machine"
        )
        print(f"engine / baseline: {engine_rate / baseline_rate:.2f}")
    finally:
        smtp_sink.terminate()


if __name__ == "__main__":
    main()
