"""A lead left on the customer's own site, reported by the conversion snippet, is attributed by itself.

`postroom.lead({...})` on a page the visitor reached from a tracked email
click: the lead is recorded in that campaign's workspace, linked to the email
campaign, the subscriber and the advertising campaign linked to it, and the
conversion counts in the report.
"""

import orjson
import pytest
from django.urls import reverse

from postroom.crm.models import Channel, Lead
from postroom.crm.tests.factories import AdCampaignFactory
from postroom.delivery.models import Delivery
from postroom.delivery.tests.factories import launched_run
from postroom.tracking.tokens import VISITOR, token_make

pytestmark = pytest.mark.django_db


def beacon(client, visitor: str, **data: object):
    body = {"type": "lead", "v": visitor, "url": "https://shop.example/thanks", **data}
    return client.post(reverse("tracking_beacon"), orjson.dumps(body), content_type="text/plain")


@pytest.fixture
def clicked(owner):
    campaign, run, subscribers = launched_run(owner.workspace, 1)
    delivery = Delivery.objects.get(run=run)
    ad = AdCampaignFactory(
        workspace=owner.workspace, channel=Channel.EMAIL, email_campaign=campaign
    )
    return campaign, subscribers[0], ad, token_make(VISITOR, delivery.pk)


def test_the_snippet_records_an_attributed_lead(client, owner, clicked):
    campaign, subscriber, ad, visitor = clicked

    answer = beacon(
        client,
        visitor,
        lead={
            "name": "Pat Doe",
            "email": "Pat@Example.com",
            "phone": "+1 555 0100",
            "company": "Acme",
        },
    )

    assert answer.status_code == 204
    lead = Lead.objects.get()
    assert (lead.name, lead.email, lead.phone, lead.company) == (
        "Pat Doe",
        "pat@example.com",
        "+1 555 0100",
        "Acme",
    )
    assert lead.workspace == owner.workspace
    assert (lead.email_campaign, lead.subscriber, lead.ad_campaign) == (campaign, subscriber, ad)
    assert "shop.example/thanks" in lead.notes


def test_the_same_lead_sent_again_is_recorded_once(client, clicked):
    *_, visitor = clicked
    for _ in range(3):  # a reloaded thank-you page
        beacon(client, visitor, lead={"name": "Pat", "email": "pat@example.com"})

    assert Lead.objects.count() == 1


@pytest.mark.parametrize(
    "lead",
    [
        None,
        "pat@example.com",
        {"name": "Pat"},  # no way to reach them
        {"name": "Pat", "email": "not an address"},
        {"name": "P" * 300, "email": "pat@example.com"},
        {"email": "pat@example.com", "phone": ["1"]},
    ],
)
def test_a_lead_without_usable_details_is_refused_and_records_nothing(client, clicked, lead):
    *_, visitor = clicked

    answer = beacon(client, visitor, lead=lead)

    assert answer.status_code == 400
    assert not Lead.objects.exists()


def test_a_forged_visitor_token_records_nothing(client, clicked):
    *_, visitor = clicked

    answer = beacon(client, visitor[:-2] + "xx", lead={"name": "Pat", "email": "pat@example.com"})

    assert answer.status_code == 204
    assert not Lead.objects.exists()


def test_a_visitor_cannot_flood_the_crm(client, clicked):
    *_, visitor = clicked
    for i in range(30):
        beacon(client, visitor, lead={"name": "Pat", "email": f"pat{i}@example.com"})

    assert Lead.objects.count() == 10  # the snippet's hourly conversions per visitor
