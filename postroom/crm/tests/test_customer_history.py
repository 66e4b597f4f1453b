"""A customer's page tells the whole story: leads, contracts, emails received, opens, clicks."""

import datetime as dt
from decimal import Decimal

import pytest

from postroom.crm.services.leads import lead_create
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory
from postroom.delivery.models import Delivery
from postroom.delivery.tests.factories import launched_run
from postroom.tracking.hits import hit_make
from postroom.tracking.ingest import hits_ingest
from postroom.tracking.tokens import VISITOR, token_make

pytestmark = pytest.mark.django_db


def test_the_customer_page_shows_the_email_history_of_its_subscriber(login, owner):
    ws = owner.workspace
    campaign, run, _subscribers = launched_run(ws, 1)
    delivery = Delivery.objects.get(run=run)
    hits_ingest([hit_make("open", delivery.pk), hit_make("open", delivery.pk)])
    ad = AdCampaignFactory(workspace=ws, channel="email", email_campaign=campaign)
    lead = lead_create(
        workspace=ws,
        name="Pat",
        email="pat@example.com",
        visitor=token_make(VISITOR, delivery.pk),
    )
    contract = contract_create(
        workspace=ws,
        lead=lead,
        name="Deal",
        service=ad.service,
        amount=Decimal("10.00"),
        starts_on=dt.date(2026, 1, 1),
    )

    page = login(owner.user).get(f"/app/crm/customers/{contract.customer_id}/").content.decode()

    assert "Emails received: 1" in page
    assert "Opens: 2" in page
    assert campaign.name in page and "Pat" in page
