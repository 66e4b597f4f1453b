"""Behaviour conditions: opened, clicked, did not open a campaign; active in the last N days."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from postroom.audience.models import Subscriber
from postroom.audience.segments import segment_q
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.tracking.buffer import hits_flush
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux) Firefox/130"


def matching(owner, *conditions, match="all"):
    q = segment_q({"match": match, "conditions": list(conditions)}, workspace_id=owner.workspace.pk)
    return set(
        Subscriber.objects.filter(workspace=owner.workspace)
        .filter(q)
        .values_list("email", flat=True)
    )


def test_opened_clicked_and_did_not_open_a_campaign(owner, smtp_server, client):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=3)
    emails = [s.email for s in subscribers]
    client.get(paths(html_of(message_for(smtp_server, emails[0])), "o")[0], HTTP_USER_AGENT=BROWSER)
    client.get(paths(html_of(message_for(smtp_server, emails[1])), "c")[0], HTTP_USER_AGENT=BROWSER)
    client.get(
        paths(html_of(message_for(smtp_server, emails[2])), "o")[0], HTTP_USER_AGENT="Mozilla/5.0"
    )
    hits_flush()
    c = campaign.pk

    assert matching(owner, {"type": "campaign", "campaign": c, "op": "opened"}) == {
        emails[0],
        emails[1],
    }
    assert matching(owner, {"type": "campaign", "campaign": c, "op": "clicked"}) == {emails[1]}
    # The privacy proxy's open is not a person's: the third did not open.
    assert matching(owner, {"type": "campaign", "campaign": c, "op": "not_opened"}) == {emails[2]}
    assert matching(owner, {"type": "campaign", "campaign": c, "op": "received"}) == set(emails)
    assert matching(
        owner, {"type": "activity", "action": "opened", "op": "in_last_days", "value": 7}
    ) == {emails[0], emails[1]}
    with time_machine.travel(timezone.now() + dt.timedelta(days=10)):
        assert (
            matching(
                owner, {"type": "activity", "action": "opened", "op": "in_last_days", "value": 7}
            )
            == set()
        )
        assert matching(
            owner, {"type": "activity", "action": "opened", "op": "not_in_last_days", "value": 7}
        ) == set(emails)


def test_another_workspaces_campaign_cannot_be_named(owner, other_owner):
    theirs = CampaignFactory(workspace=other_owner.workspace)
    with pytest.raises(ValidationError):
        matching(owner, {"type": "campaign", "campaign": theirs.pk, "op": "opened"})
    with pytest.raises(ValidationError):
        matching(owner, {"type": "activity", "action": "bought", "op": "in_last_days", "value": 1})


def test_the_builder_offers_the_behaviour_conditions(owner, login):
    CampaignFactory(workspace=owner.workspace, name="Spring sale")
    page = login(owner.user).get("/app/segments/new/").content.decode()
    assert "Spring sale" in page and "did not open" in page and "campaignOps" in page
