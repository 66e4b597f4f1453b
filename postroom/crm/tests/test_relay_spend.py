"""Spend derived from the relay: the engine's messages x its cost per 1,000 become email campaigns' spend."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.crm.models import AdCampaign, Channel, DailyRollup, SpendEntry
from postroom.crm.rollups import rollups_rebuild
from postroom.crm.selectors import analytics_get
from postroom.crm.services.catalogue import spend_add, spend_delete
from postroom.crm.services.leads import lead_create
from postroom.crm.services.relay_spend import (
    relay_amount,
    relay_cost_units,
    relay_spend_add,
    relay_spend_day,
)
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run, relay_for
from postroom.delivery.tests.faultsmtp import FaultServer
from postroom.delivery.transports.smtp import POOL

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def smtp_server(settings) -> Iterator[FaultServer]:
    """The delivery tests' real SMTP peer; results written every 10 messages."""
    settings.DELIVERY_SMTP_TIMEOUT = 2.0
    settings.DELIVERY_FLUSH_EVERY = 10
    settings.DELIVERY_BATCH_SIZE = 50
    server = FaultServer(pipelining=True).start()
    yield server
    POOL.close_all()
    server.stop()


def email_ad(workspace, campaign, **fields) -> AdCampaign:
    return AdCampaignFactory(
        workspace=workspace, channel=Channel.EMAIL, email_campaign=campaign, **fields
    )


def spend_of(ad: AdCampaign) -> tuple[Decimal, Decimal, list[tuple]]:
    """(spend_total, the rollups' spend, the entries) of an advertising campaign."""
    ad.refresh_from_db()
    rollup = sum(
        DailyRollup.objects.filter(ad_campaign=ad).values_list("spend", flat=True), Decimal(0)
    )
    entries = list(
        SpendEntry.objects.filter(ad_campaign=ad)
        .order_by("date", "id")
        .values_list("date", "amount", "note", "relay_messages")
    )
    return ad.spend_total, Decimal(rollup).quantize(Decimal("0.01")), entries


@pytest.mark.parametrize(
    ("units", "amount"),
    [
        (0, "0.00"),
        (49_999, "0.00"),
        (50_000, "0.01"),  # half a cent rounds up
        (149_999, "0.01"),
        (150_000, "0.02"),
        (1_000 * 5_000, "0.50"),  # 1,000 messages at 0.50 per 1,000
        (25 * 123_456, "0.31"),  # 25 messages at 12.3456: 0.30864
    ],
)
def test_the_amount_is_the_exact_sum_rounded_half_up_to_the_cent(units, amount):
    assert relay_amount(units) == Decimal(amount)


def test_units_are_messages_times_the_cost_in_ten_thousandths():
    assert relay_cost_units(sent=25, cost_per_1000=Decimal("12.3456")) == 25 * 123_456
    assert relay_cost_units(sent=3, cost_per_1000=Decimal("0.5")) == 15_000


def test_the_day_is_the_utc_day_of_the_write():
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

    assert relay_spend_day(late) == dt.date(2026, 3, 3)


def test_a_run_through_a_relay_with_a_cost_is_the_linked_campaigns_spend(owner, smtp_server):
    ws = owner.workspace
    relay_for(smtp_server, ws, cost_per_1000=Decimal("12.3456"))
    campaign, run, _people = launched_run(ws, 25)
    linked = email_ad(ws, campaign)
    unlinked = email_ad(ws, None)
    other_campaign = email_ad(ws, CampaignFactory(workspace=ws))
    wrong_channel = AdCampaignFactory(workspace=ws, channel=Channel.SEARCH, email_campaign=campaign)
    elsewhere = email_ad(WorkspaceFactory(), campaign)  # never made by the services: a guard

    report = run_send(run.pk)

    assert report.sent == 25
    today = timezone.now().astimezone(dt.UTC).date()
    # Three writes (10, 10, 5 messages): 0.12, then 0.25, then 0.31 (0.30864), never 0.12 x 3.
    assert spend_of(linked) == (
        Decimal("0.31"),
        Decimal("0.31"),
        [(today, Decimal("0.31"), "Relay: 25 messages \u00d7 12.3456 per 1,000", 25)],
    )
    for ad in (unlinked, other_campaign, wrong_channel, elsewhere):
        assert spend_of(ad) == (Decimal("0.00"), Decimal("0.00"), [])


def test_a_relay_without_a_cost_adds_nothing(owner, smtp_server):
    ws = owner.workspace
    relay_for(smtp_server, ws)
    campaign, run, _people = launched_run(ws, 5)
    ad = email_ad(ws, campaign)

    assert run_send(run.pk).sent == 5

    assert spend_of(ad) == (Decimal("0.00"), Decimal("0.00"), [])
    assert not DailyRollup.objects.exists()


def test_the_sandbox_never_costs_anything(owner, settings, tmp_path):
    settings.SANDBOX_DIR = tmp_path
    settings.DELIVERY_DEFAULT_RELAY_URL = "sandbox://"
    settings.DELIVERY_DEFAULT_RELAY_COST_PER_1000 = Decimal("100")
    campaign, run, _people = launched_run(owner.workspace, 3)
    ad = email_ad(owner.workspace, campaign)

    assert run_send(run.pk).sent == 3

    assert spend_of(ad) == (Decimal("0.00"), Decimal("0.00"), [])


def test_one_message_at_a_time_adds_up_exactly(owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    ad = email_ad(owner.workspace, campaign)

    for _ in range(1000):
        relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=1, cost_per_1000=Decimal("0.5"))

    assert spend_of(ad) == (
        Decimal("0.50"),
        Decimal("0.50"),
        [(DAY, Decimal("0.50"), "Relay: 1000 messages \u00d7 0.5 per 1,000", 1000)],
    )
    assert rollups_rebuild(workspace=owner.workspace) == 1
    assert spend_of(ad)[1] == Decimal("0.50")


def test_each_day_has_its_entry_and_a_changed_cost_is_counted_at_its_own_price(owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    ad = email_ad(owner.workspace, campaign)
    spend_add(ad_campaign=ad, date=DAY, amount=Decimal("10.00"), note="banner")

    relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=300, cost_per_1000=Decimal("1"))
    relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=100, cost_per_1000=Decimal("2.5"))
    relay_spend_add(
        campaign_id=campaign.pk, at=NOON + dt.timedelta(days=1), sent=7, cost_per_1000=Decimal("1")
    )

    total, rollup, entries = spend_of(ad)
    assert entries == [
        (DAY, Decimal("10.00"), "banner", None),
        (DAY, Decimal("0.55"), "Relay: 400 messages at several costs per 1,000", 400),
        (DAY + dt.timedelta(days=1), Decimal("0.01"), "Relay: 7 messages \u00d7 1 per 1,000", 7),
    ]
    assert total == rollup == Decimal("10.56")
    before = sorted(DailyRollup.objects.values_list("ad_campaign_id", "day", "spend"))
    rollups_rebuild(workspace=owner.workspace)
    assert sorted(DailyRollup.objects.values_list("ad_campaign_id", "day", "spend")) == before


def test_a_deleted_derived_entry_is_taken_back_and_later_messages_start_a_new_one(owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    ad = email_ad(owner.workspace, campaign)
    relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=1000, cost_per_1000=Decimal("2"))

    spend_delete(entry=SpendEntry.objects.get(ad_campaign=ad))
    assert spend_of(ad) == (Decimal("0.00"), Decimal("0.00"), [])
    relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=500, cost_per_1000=Decimal("2"))

    assert spend_of(ad) == (
        Decimal("1.00"),
        Decimal("1.00"),
        [(DAY, Decimal("1.00"), "Relay: 500 messages \u00d7 2 per 1,000", 500)],
    )


def test_nothing_is_added_without_messages_or_a_cost(owner, django_assert_num_queries):
    campaign = CampaignFactory(workspace=owner.workspace)
    email_ad(owner.workspace, campaign)

    with django_assert_num_queries(0):
        relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=50, cost_per_1000=None)
        relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=50, cost_per_1000=Decimal("0"))
        relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=0, cost_per_1000=Decimal("1"))

    assert not SpendEntry.objects.exists()


def test_a_batch_costs_one_query_unlinked_and_three_linked(owner, django_assert_num_queries):
    unlinked = CampaignFactory(workspace=owner.workspace)
    campaign = CampaignFactory(workspace=owner.workspace)
    email_ad(owner.workspace, campaign)
    email_ad(owner.workspace, campaign)
    cost = Decimal("1")

    with django_assert_num_queries(1):
        relay_spend_add(campaign_id=unlinked.pk, at=NOON, sent=50, cost_per_1000=cost)
    for _ in range(3):
        with django_assert_num_queries(3):  # the entries, the totals, the rollups
            relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=50, cost_per_1000=cost)
    with django_assert_num_queries(1):  # 0.150 -> 0.154: the rounded amount did not move
        relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=4, cost_per_1000=cost)

    totals = AdCampaign.objects.filter(email_campaign=campaign).values_list(
        "spend_total", flat=True
    )
    assert list(totals) == [Decimal("0.15"), Decimal("0.15")]


def test_the_analytics_show_the_derived_spend_and_the_roi(owner):
    ws = owner.workspace
    campaign = CampaignFactory(workspace=ws)
    ad = email_ad(ws, campaign)
    with time_machine.travel(NOON, tick=False):
        lead = lead_create(workspace=ws, name="Ann", ad_campaign=ad)
    relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=20_000, cost_per_1000=Decimal("2.5"))
    contract_create(
        workspace=ws,
        lead=lead,
        name="Deal",
        service=ad.service,
        amount=Decimal("150.00"),
        starts_on=DAY,
        signed_on=DAY,
    )

    result = analytics_get(workspace=ws, since=DAY, until=DAY)

    assert result.total.as_dict() == {
        "spend": Decimal("50.00"),
        "leads": 1,
        "cost_per_lead": Decimal("50.00"),
        "customers": 1,
        "conversion_rate": Decimal("1.0000"),
        "revenue": Decimal("150.00"),
        "roi": Decimal("2.0000"),
    }
    assert [c.key for c in result.channels] == [Channel.EMAIL]


def test_the_campaign_page_and_the_api_show_the_entry_as_from_the_relay(owner, login, api):
    campaign = CampaignFactory(workspace=owner.workspace)
    ad = email_ad(owner.workspace, campaign)
    spend_add(ad_campaign=ad, date=DAY, amount=Decimal("3.00"), note="typed in")
    relay_spend_add(campaign_id=campaign.pk, at=NOON, sent=2000, cost_per_1000=Decimal("1"))

    page = login(owner.user).get(f"/app/crm/campaigns/{ad.pk}/").content.decode()
    listed = api(owner.user).get(f"/api/v1/crm/spend/?ad_campaign={ad.pk}").json()

    assert page.count("From the relay") == 1
    assert "Relay: 2000 messages \u00d7 1 per 1,000" in page
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert sorted((r["amount"], r["from_relay"], r["relay_messages"]) for r in rows) == [
        ("2.00", True, 2000),
        ("3.00", False, None),
    ]
