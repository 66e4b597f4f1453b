"""Benchmark the push channel end to end on PostgreSQL, against a baseline, in one run.

    make bench-push                                  # 100,000 devices, launch timed at 1,000,000
    BENCH_DEVICES=20000 BENCH_LAUNCH_DEVICES=0 BENCH_REPEATS=1 make bench-push

1. Launch: a push run over BENCH_LAUNCH_DEVICES devices (one INSERT ... SELECT), timed.
2. Engine: BENCH_WORKERS processes (cores + 1) run the real engine (claim, re-check,
   render the creative with its tracking URLs, build each provider's request —
   Web Push encrypted and VAPID-signed, FCM with its OAuth token, APNs with its
   ES256 token, OneSignal — send on the pooled HTTP clients, log every attempt)
   into the fake providers of the test suite, each a process of its own, in bench
   mode (`bench/push_peers.py`). Devices are a quarter of each kind.
3. Baseline: as many processes send the same requests, built before the clock
   starts by the same transports from the engine's own messages for that run,
   with the same pooled HTTP clients, no database.
Each of 2 and 3 is repeated BENCH_REPEATS times (a new run each time, launched
again); medians are printed with every repeat's figures. Prints notifications
per second, CPU-seconds per 1,000 (the senders' own, and the whole machine's,
which includes PostgreSQL and the fake providers) and peak memory per sender.
Asserts nothing.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send_bench import processes  # noqa: E402

KINDS = ("webpush", "fcm", "apns", "onesignal")


@dataclass
class Figures:
    sent: int
    wall: float
    own_cpu: float
    machine_cpu: float
    rss_mb: float

    @property
    def rate(self) -> float:
        return self.sent / self.wall

    def per_1000(self, cpu: float) -> float:
        return cpu / max(self.sent, 1) * 1000


def peers_start() -> tuple[list[subprocess.Popen], dict[str, dict[str, str]]]:
    """The four fake providers, a process each, and what each says about itself."""
    started, info = [], {}
    for kind in KINDS:
        process = subprocess.Popen(
            [sys.executable, "bench/push_peers.py", kind],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        info[kind] = json.loads(process.stdout.readline())
        started.append(process)
    return started, info


def peers_taken(peers: list[subprocess.Popen]) -> int:
    total = 0
    for process in peers:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("\n")
        process.stdin.flush()
        total += json.loads(process.stdout.readline())["taken"]
    return total


def peers_environment(info: dict[str, dict[str, str]]) -> None:
    """Settings that point the providers at the peers (read by every process started after)."""
    os.environ.update(
        {
            "PUSH_FCM_URL": info["fcm"]["url"],
            "PUSH_FCM_TOKEN_URL": info["fcm"]["token_url"],
            "PUSH_APNS_URL": info["apns"]["url"],
            "PUSH_ONESIGNAL_URL": info["onesignal"]["url"],
            "PUSH_ALLOW_PRIVATE": "true",
            "PUSH_SANDBOX": "false",
        }
    )


def providers_save(workspace, info: dict[str, dict[str, str]]) -> None:
    from postroom.push.services.providers import provider_save

    provider_save(
        workspace=workspace,
        provider=None,
        kind="webpush",
        secret=None,
        fields={"vapid_subject": "mailto:bench@example.com"},
    )
    provider_save(
        workspace=workspace,
        provider=None,
        kind="fcm",
        secret=info["fcm"]["secret"],
        fields={"fcm_project_id": info["fcm"]["project_id"]},
    )
    provider_save(
        workspace=workspace,
        provider=None,
        kind="apns",
        secret=info["apns"]["secret"],
        fields={
            "apns_key_id": info["apns"]["key_id"],
            "apns_team_id": info["apns"]["team_id"],
            "apns_bundle_id": info["apns"]["topic"],
        },
    )
    provider_save(
        workspace=workspace,
        provider=None,
        kind="onesignal",
        secret=info["onesignal"]["secret"],
        fields={"onesignal_app_id": info["onesignal"]["app_id"]},
    )


def _subscription_keys() -> tuple[str, str]:
    """One browser's p256dh and auth: every Web Push device of the bench encrypts to them."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return b64(public), b64(os.urandom(16))


def populate(workspace_id: int, list_id: int, rows: int, webpush_url: str) -> None:
    """Push-only contacts, each with one device (kinds in turn), made by the database itself."""
    import contextlib

    from django.db import DatabaseError, connection

    p256dh, auth = _subscription_keys()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audience_subscriber (workspace_id, email, external_id, full_name, comment,"
            " attributes, time_zone, language, source, status, created_at, updated_at)"
            " SELECT %s, NULL, 'app-user-' || g, 'Person ' || g, '', '{}', '', '', 'bench',"
            " 'active', now(), now() FROM generate_series(1, %s) g",
            [workspace_id, rows],
        )
        cursor.execute(
            "INSERT INTO audience_subscription (workspace_id, subscriber_id, mailing_list_id,"
            " status, source, subscribed_at, created_at, updated_at)"
            " SELECT %s, id, %s, 'subscribed', 'import', now(), now(), now()"
            " FROM audience_subscriber WHERE workspace_id = %s",
            [workspace_id, list_id, workspace_id],
        )
        cursor.execute(
            "INSERT INTO push_device (workspace_id, subscriber_id, kind, token, token_hash, p256dh,"
            " auth, app_id, platform, locale, time_zone, last_seen_at, is_valid, invalid_reason,"
            " created_at, updated_at)"
            " SELECT workspace_id, id, k.kind, k.token, encode(sha256(convert_to(k.token, 'UTF8')),"
            " 'hex'), k.p256dh, k.auth, '', k.platform, 'en', '', now(), true, '', now(), now()"
            " FROM audience_subscriber s, LATERAL (SELECT"
            "  (ARRAY['webpush','fcm','apns','onesignal'])[s.id %% 4 + 1] AS kind,"
            "  CASE s.id %% 4 WHEN 0 THEN %s || '/push/' || s.id"
            "   WHEN 1 THEN 'fcm-' || md5(s.id::text) || md5(s.id::text || 'f')"
            "   WHEN 2 THEN md5(s.id::text) || md5(s.id::text || 'a')"
            "   ELSE md5(s.id::text)::uuid::text END AS token,"
            "  CASE s.id %% 4 WHEN 0 THEN %s ELSE '' END AS p256dh,"
            "  CASE s.id %% 4 WHEN 0 THEN %s ELSE '' END AS auth,"
            "  (ARRAY['web','android','ios','android'])[s.id %% 4 + 1] AS platform) k"
            " WHERE s.workspace_id = %s",
            [webpush_url, p256dh, auth, workspace_id],
        )
        for table in ("audience_subscriber", "audience_subscription", "push_device"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        with contextlib.suppress(DatabaseError):  # needs a superuser or pg_checkpoint
            cursor.execute("CHECKPOINT")


def audience_for(rows: int, info: dict[str, dict[str, str]]):
    """A workspace with the four providers pointed at the peers, and `rows` devices on a list."""
    from postroom.accounts.models import User
    from postroom.accounts.services import workspace_create
    from postroom.audience.models import MailingList

    owner, _ = User.objects.get_or_create(email="bench@example.com")
    workspace = workspace_create(owner=owner, name=f"push bench {time.time():.0f}")
    providers_save(workspace, info)
    the_list = MailingList.objects.create(workspace=workspace, name="Push bench")
    t0 = time.perf_counter()
    populate(workspace.pk, the_list.pk, rows, info["webpush"]["url"])
    print(
        f"  {rows:,} contacts with a device each made in {time.perf_counter() - t0:.1f} s (setup)"
    )
    return workspace, the_list


def median_line(label: str, values: list[float], fmt: str = ",.0f") -> str:
    shown = ", ".join(format(v, fmt) for v in values)
    return f"{label}: median {format(statistics.median(values), fmt)} ({shown})"


def push_campaign(workspace, the_list):
    """A running push campaign to the list: a creative with a tracked click URL and some data."""
    from django.utils import timezone

    from postroom.campaigns.models import Campaign, CampaignStatus, Channel
    from postroom.content.models import Message
    from postroom.push.models import CampaignCreative, Creative

    creative = Creative.objects.create(
        workspace=workspace,
        name="Bench",
        title="Hello {{ subscriber.full_name }}",
        body="Our spring sale starts today: everything 20% off until Sunday.",
        icon_url="https://shop.example.com/icon.png",
        click_url="https://shop.example.com/sale",
        data={"campaign": "spring", "screen": "sale"},
        ttl=3600,
        urgency="high",
        collapse_key="sale",
    )
    message = Message.objects.create(  # a campaign row still names a message; push never reads it
        workspace=workspace, name="Bench", subject="-", from_email="news@example.com", body="-"
    )
    campaign = Campaign.objects.create(
        workspace=workspace,
        name="Push bench",
        channel=Channel.PUSH,
        message=message,
        start_at=timezone.now(),
        status=CampaignStatus.RUNNING,
    )
    campaign.lists.add(the_list)
    CampaignCreative.objects.create(campaign=campaign, creative=creative)
    return campaign


def run_launched(campaign) -> tuple[int, int, float]:
    """A new run of the campaign, launched: (run id, deliveries, seconds the launch took)."""
    from django.utils import timezone

    from postroom.campaigns.models import CampaignRun
    from postroom.delivery.sending.launch import run_launch

    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
    t0 = time.perf_counter()
    created = run_launch(run.pk)
    return run.pk, created, time.perf_counter() - t0


def deliveries_drop(run_id: int) -> None:
    """A launch-only run's rows go, so the next launch starts from the same table size."""
    from django.db import connection

    from postroom.delivery.models import Delivery

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Delivery._meta.db_table} WHERE run_id = %s", [run_id])  # noqa: S608
        cursor.execute(f"VACUUM {Delivery._meta.db_table}")


def engine_send(run_id: int, workers: int) -> Figures:
    command = [sys.executable, "bench/send_worker.py", str(run_id)]
    wall, machine, reports = processes([command] * workers)
    return Figures(
        sent=sum(r["sent"] for r in reports),
        wall=wall,
        own_cpu=sum(r["cpu"] for r in reports),
        machine_cpu=machine,
        rss_mb=max(r["rss_mb"] for r in reports),
    )


def baseline_send(run_id: int, total: int, workers: int) -> Figures:
    share = total // workers
    commands = [
        [
            sys.executable,
            "bench/push_baseline.py",
            str(run_id),
            str(i * share),
            str(share if i < workers - 1 else total - i * share),  # the last takes the rest
        ]
        for i in range(workers)
    ]
    wall, machine, reports = processes(commands, go=True)
    return Figures(
        sent=sum(r["sent"] for r in reports),
        wall=wall,
        own_cpu=sum(r["cpu"] for r in reports),
        machine_cpu=machine,
        rss_mb=max(r["rss_mb"] for r in reports),
    )


def figures_line(label: str, f: Figures) -> str:
    return (
        f"  {label}: {f.sent:,} in {f.wall:.1f} s: {f.rate:,.0f} notifications/s; CPU per 1,000:"
        f" {f.per_1000(f.own_cpu):.2f} s in the senders, {f.per_1000(f.machine_cpu):.2f} s machine;"
        f" peak RSS {f.rss_mb:.0f} MB per sender"
    )


def launch_bench(rows: int, repeats: int, info: dict[str, dict[str, str]]) -> None:
    print(f"launch of a push run over {rows:,} devices (a quarter of each kind):")
    workspace, the_list = audience_for(rows, info)
    campaign = push_campaign(workspace, the_list)
    seconds = []
    for _ in range(repeats):
        run_id, created, took = run_launched(campaign)
        print(f"  {created:,} deliveries created in {took:.1f} s")
        seconds.append(took)
        deliveries_drop(run_id)
    print(median_line("  launch seconds", seconds, ".1f"))


def send_bench(
    devices: int, repeats: int, workers: int, info: dict, peers: list[subprocess.Popen]
) -> None:
    print(f"engine and baseline: {devices:,} devices, {workers} sender processes each:")
    workspace, the_list = audience_for(devices, info)
    campaign = push_campaign(workspace, the_list)
    engine, baseline = [], []
    for n in range(repeats):
        run_id, created, took = run_launched(campaign)
        print(f" repeat {n + 1}: run launched ({created:,} deliveries) in {took:.1f} s")
        before = peers_taken(peers)
        engine.append(engine_send(run_id, workers))
        print(
            figures_line("engine", engine[-1]) + f"; providers took {peers_taken(peers) - before:,}"
        )
        before = peers_taken(peers)
        baseline.append(baseline_send(run_id, created, workers))
        print(
            figures_line("baseline", baseline[-1])
            + f"; providers took {peers_taken(peers) - before:,}"
        )
        print(f"  engine / baseline: {engine[-1].rate / baseline[-1].rate:.2f}")
    print("medians:")
    for label, runs in (("engine", engine), ("baseline", baseline)):
        print(median_line(f"  {label} notifications/s", [f.rate for f in runs]))
        print(
            median_line(
                f"  {label} sender CPU-s per 1,000", [f.per_1000(f.own_cpu) for f in runs], ".2f"
            )
        )
        print(
            median_line(
                f"  {label} machine CPU-s per 1,000",
                [f.per_1000(f.machine_cpu) for f in runs],
                ".2f",
            )
        )
        print(median_line(f"  {label} peak RSS MB per sender", [f.rss_mb for f in runs]))
    ratios = [e.rate / b.rate for e, b in zip(engine, baseline, strict=True)]
    print(median_line("  engine / baseline", ratios, ".2f"))


def main() -> None:
    devices = int(os.environ.get("BENCH_DEVICES", "100000"))
    launch_rows = int(os.environ.get("BENCH_LAUNCH_DEVICES", "1000000"))
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    workers = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) + 1)))
    peers, info = peers_start()
    try:
        peers_environment(info)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit("bench-push measures the PostgreSQL path: set DATABASE_URL to PostgreSQL")
        if launch_rows:
            launch_bench(launch_rows, repeats, info)
        if devices:
            send_bench(devices, repeats, workers, info, peers)
    finally:
        for process in peers:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(10)


if __name__ == "__main__":
    main()
