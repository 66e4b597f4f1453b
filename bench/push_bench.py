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

from bench.send_bench import machine_busy, processes  # noqa: E402

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
    print(f"  {rows:,} contacts with a device each made in {time.perf_counter() - t0:.1f} s (setup)")
    return workspace, the_list


def median_line(label: str, values: list[float], fmt: str = ",.0f") -> str:
    shown = ", ".join(format(v, fmt) for v in values)
    return f"{label}: median {format(statistics.median(values), fmt)} ({shown})"
