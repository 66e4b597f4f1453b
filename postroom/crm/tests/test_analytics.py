"""Analytics per advertising campaign and channel over a period, from the rollups; CSV export."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine

from postroom.crm.models import Channel
from postroom.crm.services.catalogue import crm_settings_save, spend_add
from postroom.crm.services.leads import lead_create
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def figures(owner):
    """Search: 2 leads, 1 customer (300), spend 100. Social: 1 lead, spend 50, no revenue."""
    ws = owner.workspace
    crm_settings_save(workspace=ws, currency="USD")
    search = AdCampaignFactory(workspace=ws, name="=Search", channel=Channel.SEARCH)
    social = AdCampaignFactory(
        workspace=ws, name="Social", channel=Channel.SOCIAL, service=search.service
    )
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        ann = lead_create(workspace=ws, name="Ann", ad_campaign=search)
        lead_create(workspace=ws, name="Bob", ad_campaign=search)
        lead_create(workspace=ws, name="Cy", ad_campaign=social)
    spend_add(ad_campaign=search, date=MARCH, amount=Decimal("100.00"))
    spend_add(ad_campaign=social, date=MARCH + dt.timedelta(days=1), amount=Decimal("50.00"))
    spend_add(ad_campaign=social, date=dt.date(2026, 4, 1), amount=Decimal("999.00"))
    contract_create(
        workspace=ws,
        lead=ann,
        name="Deal",
        service=search.service,
        amount=Decimal("300.00"),
        starts_on=MARCH,
        signed_on=MARCH + dt.timedelta(days=2),
    )
    return search, social


def test_it_answers_per_campaign_channel_and_day(api, owner, figures):

    body = api(owner.user).get("/api/v1/crm/analytics/?since=2026-03-01&until=2026-03-31").json()

    assert body["currency"] == "USD"
    assert body["total"] == {
        "key": None,
        "label": "total",
        "spend": "150.00",
        "leads": 3,
        "cost_per_lead": "50.00",
        "customers": 1,
        "conversion_rate": "0.3333",
        "revenue": "300.00",
        "roi": "1.0000",
    }
    by_campaign = {line["label"]: line for line in body["campaigns"]}
    assert by_campaign["=Search"]["roi"] == "2.0000"
    assert by_campaign["=Search"]["conversion_rate"] == "0.5000"
    assert by_campaign["Social"]["roi"] == "-1.0000"
    assert {line["key"]: line["leads"] for line in body["channels"]} == {"search": 2, "social": 1}
    assert [line["label"] for line in body["days"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]


def test_a_channel_and_a_period_narrow_it(api, owner, figures):
    client = api(owner.user)

    social = client.get("/api/v1/crm/analytics/?since=2026-03-01&until=2026-04-30&channel=social")
    first_day = client.get("/api/v1/crm/analytics/?since=2026-03-01&until=2026-03-01")

    assert social.json()["total"]["spend"] == "1049.00"
    assert social.json()["total"]["roi"] == "-1.0000"
    assert first_day.json()["total"]["revenue"] == "0.00"
    assert first_day.json()["total"]["roi"] == "-1.0000"


def test_without_spend_there_is_no_roi(api, owner):
    ad = AdCampaignFactory(workspace=owner.workspace)
    lead_create(workspace=owner.workspace, name="Ann", ad_campaign=ad)

    total = api(owner.user).get("/api/v1/crm/analytics/").json()["total"]

    assert total["leads"] == 1 and total["roi"] is None and total["cost_per_lead"] == "0.00"


def test_the_number_of_queries_does_not_grow_with_campaigns(
    api, owner, figures, django_assert_max_num_queries
):
    client = api(owner.user)
    client.get("/api/v1/crm/analytics/")
    for _ in range(20):
        AdCampaignFactory(workspace=owner.workspace, service=figures[0].service)

    with django_assert_max_num_queries(10):
        client.get("/api/v1/crm/analytics/?since=2026-01-01&until=2026-12-31")


def test_the_csv_export_has_every_line_and_defuses_formulas(api, owner, figures):
    response = api(owner.user).get("/api/v1/crm/analytics.csv?since=2026-03-01&until=2026-03-31")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:3] == ["level", "name", "spend"]
    assert [
        "campaign",
        "'=Search",
        "100.00",
        "2",
        "50.00",
        "1",
        "0.5000",
        "300.00",
        "2.0000",
        "USD",
    ] in rows
    assert rows[-1] == [
        "total",
        "",
        "150.00",
        "3",
        "50.00",
        "1",
        "0.3333",
        "300.00",
        "1.0000",
        "USD",
    ]
    assert [r[0] for r in rows[1:]] == ["campaign", "campaign", "channel", "channel", "total"]
