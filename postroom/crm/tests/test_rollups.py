"""The services keep the daily rollups in step; a rebuild from the source rows agrees."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from postroom.crm.models import Channel, DailyRollup, Lead, LeadStatus
from postroom.crm.rollups import rollups_rebuild
from postroom.crm.selectors import analytics_get
from postroom.crm.services.catalogue import ad_campaign_save, spend_add, spend_delete
from postroom.crm.services.leads import lead_create, lead_delete, lead_merge
from postroom.crm.services.sales import contract_create, contract_update
from postroom.crm.tests.factories import AdCampaignFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _rows(workspace):
    return sorted(
        DailyRollup.objects.filter(workspace=workspace).values_list(
            "ad_campaign_id", "channel", "day", "spend", "leads", "customers", "revenue"
        )
    )


@pytest.fixture
def ad(owner):
    return AdCampaignFactory(workspace=owner.workspace)


@time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False)
def test_it_counts_leads_spend_customers_and_revenue_per_day(owner, ad):
    ws = owner.workspace
    first = lead_create(workspace=ws, name="Ann", email="ann@example.com", ad_campaign=ad)
    lead_create(workspace=ws, name="Bob", email="bob@example.com", ad_campaign=ad)
    spend_add(ad_campaign=ad, date=DAY, amount=Decimal("40.00"))
    spend_add(ad_campaign=ad, date=DAY, amount=Decimal("60.00"), note="second")
    contract_create(
        workspace=ws,
        lead=first,
        name="Deal",
        service=ad.service,
        amount=Decimal("250.00"),
        starts_on=DAY,
        signed_on=DAY,
    )

    # then
    row = DailyRollup.objects.get(ad_campaign=ad, day=DAY)
    assert (row.spend, row.leads, row.customers, row.revenue) == (
        Decimal("100.00"),
        2,
        1,
        Decimal("250.00"),
    )
    first.refresh_from_db()
    assert first.status == LeadStatus.CONVERTED
    assert first.customer.contracts_total == Decimal("250.00")
    figures = analytics_get(workspace=ws, since=DAY, until=DAY).total
    assert figures.cost_per_lead == Decimal("50.00")
    assert figures.conversion_rate == Decimal("0.5000")
    assert figures.roi == Decimal("1.5000")


@time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False)
def test_a_second_contract_adds_revenue_but_not_another_customer(owner, ad):
    ws = owner.workspace
    lead = lead_create(workspace=ws, name="Ann", ad_campaign=ad)
    for amount in ("100.00", "50.50"):
        contract_create(
            workspace=ws,
            lead=lead,
            name="Deal",
            service=ad.service,
            amount=Decimal(amount),
            starts_on=DAY,
            signed_on=DAY,
        )

    row = DailyRollup.objects.get(ad_campaign=ad, day=DAY)
    assert (row.customers, row.revenue) == (1, Decimal("150.50"))
    lead.refresh_from_db()
    assert lead.customer.contracts_total == Decimal("150.50")
    assert lead.customer.contracts.count() == 2


@time_machine.travel(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), tick=False)
def test_changes_and_deletions_take_their_share_back(owner, ad):
    ws = owner.workspace
    other = AdCampaignFactory(workspace=ws, service=ad.service, channel=Channel.SOCIAL)
    lead = lead_create(workspace=ws, name="Ann", email="a@example.com", ad_campaign=ad)
    twin = lead_create(workspace=ws, name="Ann B", email="A@example.com", ad_campaign=other)
    gone = lead_create(workspace=ws, name="Gone", ad_campaign=ad)
    contract = contract_create(
        workspace=ws,
        lead=twin,
        name="Deal",
        service=ad.service,
        amount=Decimal("90.00"),
        starts_on=DAY,
        signed_on=DAY,
    )
    contract_update(
        contract=contract,
        name="Deal",
        service=ad.service,
        amount=Decimal("120.00"),
        starts_on=DAY,
        ends_on=None,
        signed_on=DAY + dt.timedelta(days=1),
    )
    entry = spend_add(ad_campaign=ad, date=DAY, amount=Decimal("10.00"))
    spend_delete(entry=entry)
    lead_delete(lead=gone)
    lead_merge(keep=lead, other=twin, user=owner.user)
    ad_campaign_save(
        workspace=ws,
        ad_campaign=other,
        name=other.name,
        service=other.service,
        channel=Channel.DISPLAY,
        budget=other.budget,
        starts_on=other.starts_on,
    )
    incremental = _rows(ws)

    # when
    rollups_rebuild(workspace=ws)

    # then
    assert [r for r in _rows(ws) if any(r[3:])] == [r for r in incremental if any(r[3:])]
    totals = analytics_get(workspace=ws, since=DAY, until=DAY + dt.timedelta(days=1)).total
    assert (totals.leads, totals.customers, totals.revenue) == (1, 1, Decimal("120.00"))
    assert Lead.objects.get().status == LeadStatus.CONVERTED
