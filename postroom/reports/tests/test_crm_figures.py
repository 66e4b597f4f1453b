"""The CRM figures on the email campaign report: from the rollups, linked campaigns only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.crm.models import Channel
from postroom.crm.selectors import email_campaign_figures
from postroom.crm.services.catalogue import crm_settings_save, spend_add
from postroom.crm.services.leads import lead_create
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


def _linked(workspace, campaign, *, leads: int = 2):
    """An email ad campaign linked to `campaign`: `leads` leads, one customer (300), spend 100."""
    ad = AdCampaignFactory(workspace=workspace, channel=Channel.EMAIL, email_campaign=campaign)
    created = [lead_create(workspace=workspace, name=f"L{i}", ad_campaign=ad) for i in range(leads)]
    spend_add(ad_campaign=ad, date=DAY, amount=Decimal("100.00"))
    contract_create(
        workspace=workspace,
        lead=created[0],
        name="Deal",
        service=ad.service,
        amount=Decimal("300.00"),
        starts_on=DAY,
        signed_on=DAY,
    )
    return ad


def test_a_linked_campaign_report_shows_leads_customers_revenue_spend_and_roi(owner, login):
    ws = owner.workspace
    crm_settings_save(workspace=ws, currency="USD")
    campaign = CampaignFactory(workspace=ws)
    _linked(ws, campaign)
    # A search campaign linked to the same email campaign is not the email's channel.
    search = AdCampaignFactory(workspace=ws, channel=Channel.SEARCH, email_campaign=campaign)
    spend_add(ad_campaign=search, date=DAY, amount=Decimal("999.00"))

    figures = email_campaign_figures(campaign=campaign)
    page = login(owner.user).get(f"/app/campaigns/{campaign.pk}/report/")

    assert figures is not None
    assert (figures["leads"], figures["customers"]) == (2, 1)
    assert (figures["spend"], figures["revenue"]) == (Decimal("100.00"), Decimal("300.00"))
    assert figures["roi"] == Decimal("2.0000") and figures["currency"] == "USD"
    body = page.content.decode()
    assert 'id="report-crm"' in body
    assert 'data-crm="leads">2<' in body and 'data-crm="customers">1<' in body
    assert 'data-crm="revenue">300.00 USD<' in body and 'data-crm="spend">100.00 USD<' in body
    assert 'data-crm="roi">200.0 %<' in body
    csv = login(owner.user).get(f"/app/campaigns/{campaign.pk}/report.csv").content.decode()
    assert "crm,value,currency" in csv
    assert "leads,2,USD" in csv and "revenue,300.00,USD" in csv and "roi,2.0000,USD" in csv


def test_the_figures_are_in_russian_for_a_russian_user(owner, login):
    ws = owner.workspace
    campaign = CampaignFactory(workspace=ws)
    _linked(ws, campaign)
    client = login(owner.user)
    body = client.get(
        f"/app/campaigns/{campaign.pk}/report/", HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "CRM: лиды и выручка этой кампании" in body


def test_an_unlinked_campaign_report_shows_nothing_of_the_crm(owner, login):
    campaign = CampaignFactory(workspace=owner.workspace)
    AdCampaignFactory(workspace=owner.workspace, channel=Channel.EMAIL)

    body = login(owner.user).get(f"/app/campaigns/{campaign.pk}/report/").content.decode()

    assert email_campaign_figures(campaign=campaign) is None
    assert 'id="report-crm"' not in body
    csv = login(owner.user).get(f"/app/campaigns/{campaign.pk}/report.csv").content.decode()
    assert "crm," not in csv


def test_another_workspaces_crm_never_appears(owner, other_owner, login):
    campaign = CampaignFactory(workspace=owner.workspace)
    _linked(owner.workspace, campaign)
    # Another workspace's email ad campaign pointing at this campaign (as a forged row would).
    _linked(other_owner.workspace, campaign, leads=5)

    figures = email_campaign_figures(campaign=campaign)

    assert figures is not None and figures["leads"] == 2
    assert figures["spend"] == Decimal("100.00")
    other = login(other_owner.user).get(f"/app/campaigns/{campaign.pk}/report/")
    assert other.status_code == 404


def test_the_report_query_count_does_not_grow_with_the_leads(owner, login):
    ws = owner.workspace
    campaign = CampaignFactory(workspace=ws)
    ad = _linked(ws, campaign, leads=1)
    client = login(owner.user)
    url = f"/app/campaigns/{campaign.pk}/report/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(30):
        lead_create(workspace=ws, name=f"More {i}", ad_campaign=ad)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()

    assert 'data-crm="leads">31<' in body
    assert len(many) == len(few)
