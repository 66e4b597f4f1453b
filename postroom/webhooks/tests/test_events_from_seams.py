"""Events come from the real seams: a campaign sent to the sandbox, bounces, tracking, tx, controls."""

import json

import pytest
from django.utils import timezone

from postroom.campaigns.services import campaign_send_now, campaign_transition
from postroom.campaigns.states import campaigns_move_where
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.bounces.dsn import BounceReport
from postroom.delivery.bounces.intake import bounce_intake
from postroom.delivery.models import Delivery
from postroom.delivery.tests.factories import audience, launched_run
from postroom.tracking.hits import hit_make
from postroom.tracking.ingest import hits_ingest
from postroom.tracking.models import Link
from postroom.transactional.signals import TxStatus, tx_status_changed
from postroom.webhooks.models import WebhookMessage

pytestmark = pytest.mark.django_db


def sent(*types: str) -> list[dict]:
    rows = WebhookMessage.objects.filter(event_type__in=types).order_by("pk")
    return [row.payload for row in rows]


def test_a_campaign_sent_through_the_sandbox_reaches_the_receiver(
    owner, receiver, endpoint_for, django_capture_on_commit_callbacks
):
    # given an endpoint for campaign and delivery events, and a draft to three people
    endpoint_for(owner, receiver.url, ["campaign.started", "campaign.finished", "delivered"])
    mailing_list, _people = audience(owner.workspace, 3)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(mailing_list)

    # when it is sent now (no relay: the sandbox), jobs running as they would
    with django_capture_on_commit_callbacks(execute=True):
        campaign_send_now(actor=owner, campaign=campaign)

    # then the receiver got the start, one delivery per person and the end
    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert types[0] == "campaign.started" and types[-1] == "campaign.finished"
    assert sorted(types[1:-1]) == ["delivered"] * 3
    delivered = sent("delivered")
    emails = set(Delivery.objects.values_list("email", flat=True))
    assert {p["data"]["email"] for p in delivered} == emails
    assert all(p["data"]["campaign_id"] == campaign.pk for p in delivered)
    assert sent("campaign.finished")[0]["data"]["previous"] == "running"


def test_bounces_and_complaints_become_events(owner, endpoint_for, receiver):
    endpoint_for(owner, receiver.url, ["bounced", "complained"])
    campaign, run, _ = launched_run(owner.workspace, 2)
    first, second = Delivery.objects.filter(run=run).order_by("email")

    bounce_intake(
        BounceReport(
            kind="hard", email=first.email, event_id="b-1", status="5.1.1", delivery_id=first.pk
        )
    )
    bounce_intake(
        BounceReport(kind="complaint", email=second.email, event_id="c-1", delivery_id=second.pk)
    )
    bounce_intake(
        BounceReport(kind="hard", email=first.email, event_id="b-1", delivery_id=first.pk)
    )  # a replay: nothing new

    [bounced] = sent("bounced")
    assert {"email": first.email, "kind": "hard", "status": "5.1.1"}.items() <= bounced[
        "data"
    ].items()
    assert bounced["data"]["campaign_id"] == campaign.pk and bounced["data"]["kind"] == "hard"
    [complained] = sent("complained")
    assert complained["data"]["email"] == second.email


def test_opens_clicks_unsubscribes_and_conversions_become_events(owner, endpoint_for, receiver):
    endpoint_for(owner, receiver.url, ["opened", "clicked", "unsubscribed", "converted"])
    campaign, run, _ = launched_run(owner.workspace, 1)
    delivery = Delivery.objects.get(run=run)
    link = Link.objects.create(campaign=campaign, url="https://shop.example.com/sale", url_hash="x")

    hits_ingest(
        [
            hit_make("open", delivery.pk),
            hit_make("click", delivery.pk, link_id=link.pk),
            hit_make("unsubscribe", delivery.pk, uid=f"unsub:{delivery.pk}"),
            hit_make("conversion", delivery.pk, g="purchase", r="12.50"),
        ]
    )

    [opened] = sent("opened")
    assert opened["data"]["email"] == delivery.email
    assert opened["data"]["subscriber_id"] == delivery.subscriber_id
    assert sent("clicked")[0]["data"]["url"] == "https://shop.example.com/sale"
    assert len(sent("unsubscribed")) == 1
    converted = sent("converted")[0]["data"]
    assert (converted["goal"], converted["revenue"]) == ("purchase", "12.50")


def test_transactional_status_and_campaign_pauses_become_events(owner, endpoint_for, receiver):
    endpoint_for(owner, receiver.url, ["tx.status", "campaign.paused"])
    campaign, _run, _ = launched_run(owner.workspace, 1)

    tx_status_changed.send(
        sender=TxStatus,
        status=TxStatus(
            workspace_id=owner.workspace_id,
            message_id="tx_1",
            status="sent",
            to="a@example.com",
            at=timezone.now(),
        ),
    )
    campaign_transition(actor=owner, campaign=campaign, action="pause")
    other = CampaignFactory(workspace=owner.workspace, status="running")
    campaigns_move_where(
        campaign_id=other.pk, action="auto_pause", target="paused", paused_reason="too many errors"
    )

    [tx] = sent("tx.status")
    assert tx["data"] == {
        "message_id": "tx_1",
        "status": "sent",
        "to": "a@example.com",
        "detail": "",
    }
    paused = sent("campaign.paused")
    assert [p["data"]["campaign_id"] for p in paused] == [campaign.pk, other.pk]
    assert paused[0]["data"]["previous"] == "running" and paused[0]["data"]["action"] == "pause"
    assert paused[1]["data"]["reason"] == "too many errors"
