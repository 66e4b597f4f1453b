"""Benchmark the CRM at scale on PostgreSQL: 1,000,000 leads, 100,000 contracts, 200 campaigns.

    make bench-crm
    BENCH_LEADS=100000 BENCH_CONTRACTS=10000 make bench-crm

1. Data: 200 advertising campaigns over five services, a year of daily spend
   for each, BENCH_LEADS leads spread over the campaigns and the year (every
   fifth one qualified, a few duplicates), BENCH_CONTRACTS of them converted
   with one contract each: set-based INSERT ... SELECT, then the daily rollups
   rebuilt from those rows (`rollups_rebuild`, timed).
2. Timings, warm, through the whole Django stack (logged in as the owner):
   the analytics page and API over a year and over 30 days, and the lead list
   page and API with each filter: median and 95th percentile milliseconds of
   30 requests. Targets: analytics < 200 ms, lead list < 100 ms. Asserts nothing.
"""

import datetime
import os
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report_bench import timed  # noqa: E402  (the same warm median / p95 as the report bench)

CAMPAIGNS = 200
DAYS = 365


def setup(leads: int, contracts: int):
    from django.db import connection

    from postroom.accounts.models import User
    from postroom.accounts.services import workspace_create
    from postroom.crm.models import AdCampaign, Channel, Service
    from postroom.crm.rollups import rollups_rebuild

    stamp = f"{time.time():.0f}"
    owner = User.objects.create(email=f"bench-crm-{stamp}@example.com")
    workspace = workspace_create(owner=owner, name=f"bench crm {stamp}")
    services = Service.objects.bulk_create(
        Service(workspace=workspace, name=f"Service {i}", price=100 * (i + 1)) for i in range(5)
    )
    start = datetime.datetime.now(tz=datetime.UTC).date() - datetime.timedelta(days=DAYS - 1)
    channels = list(Channel.values)
    AdCampaign.objects.bulk_create(
        AdCampaign(
            workspace=workspace,
            name=f"Campaign {i}",
            service=services[i % 5],
            channel=channels[i % len(channels)],
            budget=50_000,
            starts_on=start,
        )
        for i in range(CAMPAIGNS)
    )
    ids = list(
        AdCampaign.objects.filter(workspace=workspace).order_by("id").values_list("pk", flat=True)
    )
    ws = workspace.pk
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO crm_spendentry (workspace_id, ad_campaign_id, date, amount, note,
                                        created_at, updated_at)
            SELECT %s, c, %s::date + d, ((c * 7 + d) %% 300 + 50)::numeric / 1, '', now(), now()
            FROM unnest(%s::bigint[]) AS c, generate_series(0, %s) AS d
            """,
            [ws, start, ids, DAYS - 1],
        )
        cursor.execute(
            """
            INSERT INTO crm_lead (workspace_id, name, email, phone, phone_key, company,
                ad_campaign_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
                status, notes, day, consent_text, converted_on, duplicate_of_id,
                created_at, updated_at)
            SELECT %(ws)s, 'Lead ' || i,
                   'lead' || (CASE WHEN i %% 100 = 0 THEN i - 1 ELSE i END) || '@example.com',
                   '', '', 'Company ' || (i %% 5000),
                   (%(ids)s::bigint[])[1 + i %% %(n)s], 'google', 'cpc', '', '', '',
                   CASE WHEN i <= %(contracts)s THEN 'converted'
                        WHEN i %% 5 = 0 THEN 'qualified'
                        WHEN i %% 7 = 0 THEN 'lost' ELSE 'new' END,
                   '', %(start)s::date + (i %% %(days)s), '',
                   CASE WHEN i <= %(contracts)s
                        THEN LEAST(%(start)s::date + (i %% %(days)s) + 7, current_date) END,
                   NULL,
                   (%(start)s::date + (i %% %(days)s))::timestamptz, now()
            FROM generate_series(1, %(leads)s) AS i
            ORDER BY i %% %(days)s, i
            """,
            {
                "ws": ws,
                "ids": ids,
                "n": CAMPAIGNS,
                "contracts": contracts,
                "start": start,
                "days": DAYS,
                "leads": leads,
            },
        )
        # Every hundredth lead shares its email with the one before: flagged as its duplicate.
        cursor.execute(
            """
            UPDATE crm_lead AS d SET duplicate_of_id = o.id
            FROM crm_lead AS o
            WHERE d.workspace_id = %s AND o.workspace_id = d.workspace_id
              AND o.email = d.email AND o.id < d.id
            """,
            [ws],
        )
        cursor.execute(
            """
            INSERT INTO crm_customer (workspace_id, name, email, phone, company, contracts_total,
                                      created_at, updated_at)
            SELECT workspace_id, name, email, '', company, 0, now(), now()
            FROM crm_lead WHERE workspace_id = %s AND converted_on IS NOT NULL ORDER BY id
            """,
            [ws],
        )
        cursor.execute(
            """
            UPDATE crm_lead AS l SET customer_id = c.id
            FROM crm_customer AS c
            WHERE l.workspace_id = %s AND c.workspace_id = l.workspace_id
              AND l.converted_on IS NOT NULL AND c.name = l.name
            """,
            [ws],
        )
        cursor.execute(
            """
            INSERT INTO crm_contract (workspace_id, customer_id, lead_id, ad_campaign_id, name,
                service_id, signed_on, starts_on, ends_on, amount, document, document_name,
                document_size, created_at, updated_at)
            SELECT l.workspace_id, l.customer_id, l.id, l.ad_campaign_id, 'Contract ' || l.id,
                   %s, l.converted_on, l.converted_on, NULL, (l.id %% 5000 + 100)::numeric, '', '', 0,
                   now(), now()
            FROM crm_lead AS l WHERE l.workspace_id = %s AND l.customer_id IS NOT NULL
            """,
            [services[0].pk, ws],
        )
        cursor.execute(
            """
            UPDATE crm_customer AS c SET contracts_total = k.amount
            FROM crm_contract AS k WHERE k.customer_id = c.id AND c.workspace_id = %s
            """,
            [ws],
        )
        cursor.execute("ANALYZE crm_lead; ANALYZE crm_contract; ANALYZE crm_spendentry")
    print(f"  data made in {time.perf_counter() - t0:.1f} s (setup)")
    t0 = time.perf_counter()
    rows = rollups_rebuild(workspace=workspace)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE crm_dailyrollup")
    print(f"  rollups rebuilt: {rows:,} rows in {time.perf_counter() - t0:.1f} s")
    return owner, workspace, ids


def main() -> None:
    leads = int(os.environ.get("BENCH_LEADS", "1000000"))
    contracts = int(os.environ.get("BENCH_CONTRACTS", "100000"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client

    from postroom.crm.models import Contract, Lead

    settings.ALLOWED_HOSTS = ["*"]
    print(f"CRM: {leads:,} leads, {contracts:,} contracts, {CAMPAIGNS} campaigns (PostgreSQL)")
    reuse = os.environ.get("BENCH_CRM_WORKSPACE")
    if reuse:  # time again over the data a previous run made
        from postroom.accounts.models import Membership
        from postroom.crm.models import AdCampaign

        membership = Membership.objects.select_related("user", "workspace").get(
            workspace_id=int(reuse), role="owner"
        )
        owner, workspace = membership.user, membership.workspace
        ids = list(
            AdCampaign.objects.filter(workspace=workspace)
            .order_by("id")
            .values_list("pk", flat=True)
        )
    else:
        owner, workspace, ids = setup(leads, contracts)
    print(f"  workspace {workspace.pk} (BENCH_CRM_WORKSPACE={workspace.pk} times it again)")
    print(
        f"  {Lead.objects.filter(workspace=workspace).count():,} leads, "
        f"{Contract.objects.filter(workspace=workspace).count():,} contracts"
    )
    client = Client()
    client.force_login(owner)
    today = datetime.datetime.now(tz=datetime.UTC).date()
    year = f"since={today - datetime.timedelta(days=DAYS - 1)}&until={today}"
    month = f"since={today - datetime.timedelta(days=29)}&until={today}"
    pages = {
        "analytics page, a year": f"/app/crm/analytics/?{year}",
        "analytics page, 30 days": f"/app/crm/analytics/?{month}",
        "analytics API, a year": f"/api/v1/crm/analytics/?{year}",
        "analytics API, a year, one channel": f"/api/v1/crm/analytics/?{year}&channel=email",
        "analytics CSV, a year": f"/api/v1/crm/analytics.csv?{year}",
        "lead list page": "/app/crm/",
        "lead list, status=qualified": "/app/crm/?status=qualified",
        "lead list, one campaign": f"/app/crm/?ad_campaign={ids[7]}",
        "lead list, campaign + status": f"/app/crm/?ad_campaign={ids[7]}&status=lost",
        "lead list, duplicates": "/app/crm/?duplicates=on",
        "lead list, exact email": "/app/crm/?search=lead4242%40example.com",
        "lead list, page 50": "/app/crm/?status=new&page=50",
        "lead list htmx partial": "/app/crm/?status=qualified",
        "leads API, status filter": "/api/v1/crm/leads/?status=qualified",
        "leads API, campaign filter": f"/api/v1/crm/leads/?ad_campaign={ids[3]}",
    }
    for name, url in pages.items():
        headers = {"HTTP_HX_REQUEST": "true"} if "htmx" in name else {}
        client.defaults.update(headers)
        median, p95, status = timed(client, url)
        for key in headers:
            client.defaults.pop(key)
        print(f"  {name:<36} median {median:6.1f} ms   p95 {p95:6.1f} ms   (HTTP {status})")


if __name__ == "__main__":
    main()
