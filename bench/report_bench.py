"""Benchmark reports at scale on PostgreSQL: 1,000,000 deliveries, 3,000,000 events.

    make bench-reports
    BENCH_DELIVERIES=100000 BENCH_EVENTS=300000 make bench-reports

1. Deliveries: one sent campaign run of BENCH_DELIVERIES recipients (one INSERT ... SELECT),
   its "sent" counters added as the engine adds them.
2. Events: BENCH_EVENTS hits (opens, clicks on 5 links, some by machines, page
   views, conversions, unsubscribes) over three days, through the real ingest
   path (events, engagement, link and report counters) in batches of 2,000:
   prints hits per second.
3. Reports: the report page (through the whole Django stack, logged in), the
   stats API and the links API, each requested 30 times warm: prints median
   and 95th percentile milliseconds. Asserts nothing.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LINKS = 5
BATCH = 2000


def setup(deliveries: int):
    from django.db import connection
    from django.utils import timezone

    from postroom.accounts.models import User
    from postroom.accounts.services import workspace_create
    from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, RunStatus
    from postroom.content.models import Message
    from postroom.delivery.models import Delivery
    from postroom.reports.recording import counters_add
    from postroom.tracking.links import links_register

    owner = User.objects.create(email=f"bench-reports-{time.time():.0f}@example.com")
    workspace = workspace_create(owner=owner, name=f"bench {time.time():.0f}")
    message = Message.objects.create(
        workspace=workspace, name="Bench", subject="Hi", from_email="news@example.com", body="x"
    )
    start = timezone.now() - __import__("datetime").timedelta(days=3)
    campaign = Campaign.objects.create(
        workspace=workspace,
        name="Bench",
        message=message,
        start_at=start,
        status=CampaignStatus.FINISHED,
    )
    run = CampaignRun.objects.create(
        campaign=campaign,
        scheduled_for=start,
        started_at=start,
        finished_at=start,
        status=RunStatus.FINISHED,
        recipients=deliveries,
    )
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Delivery._meta.db_table} (run_id, subscriber_id, email, status, "  # noqa: S608
            "next_attempt_at, lease_owner, attempts, reclaimed, sent_at, first_attempt_at, "
            "last_code, last_response) "
            "SELECT %s, g, 'p' || g || '@example' || (g %% 50) || '.com', 'sent', %s, '', 1, 0, "
            "%s + (g %% 3600) * interval '1 second', %s, 250, '' FROM generate_series(1, %s) g",
            [run.pk, start, start, start, deliveries],
        )
    for hour in range(3):
        counters_add(
            campaign_id=campaign.pk,
            run_id=run.pk,
            at=start + __import__("datetime").timedelta(hours=hour),
            sent=deliveries // 3 + (deliveries % 3 if hour == 0 else 0),
        )
    print(f"  {deliveries:,} deliveries made in {time.perf_counter() - t0:.1f} s (setup)")
    links = links_register(campaign, [f"https://shop.example.com/item/{i}" for i in range(LINKS)])
    first = Delivery.objects.filter(run=run).order_by("id").values_list("id", flat=True).first()
    return owner, campaign, run, first, list(links.values()), start


def hits(count: int, first: int, deliveries: int, links: list[int], start: float):
    """Realistic hits: most people open, fewer click, a few convert; machines among them."""
    rng = random.Random(42)
    kinds = ["open"] * 55 + ["click"] * 30 + ["page"] * 8 + ["conversion"] * 4 + ["unsubscribe"]
    agents = ["browser"] * 8 + ["mobile"] * 3 + ["privacy", "scanner"]
    for n in range(count):
        kind = rng.choice(kinds)
        delivery = first + rng.randrange(deliveries)
        hit = {
            "u": f"bench-{n}",
            "k": kind,
            "d": delivery,
            "t": start + 3600 + rng.random() * 3 * 86400,
            "a": rng.choice(agents),
        }
        if kind == "click":
            hit["l"] = rng.choice(links)
        elif kind == "conversion":
            hit.update(g="purchase", r=f"{rng.randrange(500, 20000) / 100:.2f}")
        elif kind == "unsubscribe":
            hit["u"] = f"unsub:{delivery}"
        yield hit


def timed(client, url: str, repeat: int = 30) -> tuple[float, float, int]:
    client.get(url)  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], response.status_code


def main() -> None:
    deliveries = int(os.environ.get("BENCH_DELIVERIES", "1000000"))
    events = int(os.environ.get("BENCH_EVENTS", "3000000"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client

    from postroom.tracking.ingest import hits_ingest

    settings.ALLOWED_HOSTS = ["*"]
    print(f"Reports: {deliveries:,} deliveries, {events:,} events (PostgreSQL)")
    owner, campaign, _run, first, links, start = setup(deliveries)

    t0 = time.perf_counter()
    batch: list[dict] = []
    done = 0
    for hit in hits(events, first, deliveries, links, start.timestamp()):
        batch.append(hit)
        if len(batch) == BATCH:
            hits_ingest(batch)
            done += len(batch)
            batch = []
            if done % 200_000 == 0:
                print(f"  {done:,} hits ingested ({done / (time.perf_counter() - t0):,.0f}/s)")
    if batch:
        hits_ingest(batch)
    took = time.perf_counter() - t0
    print(
        f"Ingest: {events:,} hits in {took:.1f} s = {events / took:,.0f} hits/s (batches of {BATCH:,})"
    )

    client = Client()
    client.force_login(owner)
    pages = {
        "report page": f"/app/campaigns/{campaign.pk}/report/",
        "report page, machines counted": f"/app/campaigns/{campaign.pk}/report/?machine=1",
        "stats API": f"/api/v1/campaigns/{campaign.pk}/stats/",
        "links API": f"/api/v1/campaigns/{campaign.pk}/links/",
    }
    for name, url in pages.items():
        median, p95, status = timed(client, url)
        print(f"  {name:<32} median {median:6.1f} ms   p95 {p95:6.1f} ms   (HTTP {status})")


if __name__ == "__main__":
    main()
