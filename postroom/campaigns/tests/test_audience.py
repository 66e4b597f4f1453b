import pytest

from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.services.suppressions import suppression_add
from postroom.audience.tests.factories import MailingListFactory, SegmentFactory, SubscriberFactory
from postroom.campaigns.selectors import campaign_audience
from postroom.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_audience_is_lists_narrowed_by_segment_minus_exclusions_and_suppressions(owner):
    ws = owner.workspace
    news, vip, staff = (MailingListFactory(workspace=ws) for _ in range(3))
    people = {
        name: SubscriberFactory(workspace=ws, email=f"{name}@example.com")
        for name in ("ann", "bob", "cid", "dan", "eve", "fay")
    }
    for name in ("ann", "bob", "cid", "dan", "eve"):
        subscription_set(
            subscriber=people[name], mailing_list=news, status="subscribed", source="admin"
        )
    subscription_set(
        subscriber=people["fay"], mailing_list=news, status="unsubscribed", source="admin"
    )
    subscription_set(
        subscriber=people["bob"], mailing_list=staff, status="subscribed", source="admin"
    )
    people["cid"].status = "blocklisted"
    people["cid"].save()
    suppression_add(workspace=ws, value="dan@example.com", reason="hard_bounce")
    not_eve = SegmentFactory(
        workspace=ws,
        definition={
            "conditions": [
                {"type": "field", "field": "email", "op": "neq", "value": "eve@example.com"}
            ]
        },
    )
    campaign = CampaignFactory(workspace=ws, segment=not_eve)
    campaign.lists.add(news, vip)
    campaign.exclude_lists.add(staff)

    assert list(campaign_audience(campaign).values_list("email", flat=True)) == ["ann@example.com"]


def test_a_campaign_without_lists_or_segment_reaches_nobody(owner):
    SubscriberFactory(workspace=owner.workspace)

    assert not campaign_audience(CampaignFactory(workspace=owner.workspace)).exists()


def test_an_exclusion_segment_removes_only_the_subscribers_it_matches(owner):
    """Excluded is whoever the segment matches: not whoever it cannot decide about.

    A condition on an attribute is unknown (SQL NULL) for a subscriber without
    that attribute or with a value of another type; they are not in the
    segment, so they stay in the audience.
    """
    from postroom.audience.tests.factories import CustomFieldFactory

    ws = owner.workspace
    CustomFieldFactory(workspace=ws, name="age", type="number")
    news = MailingListFactory(workspace=ws)
    for email, attributes in [
        ("old@example.com", {"age": 70}),
        ("young@example.com", {"age": 20}),
        ("unknown@example.com", {}),
        ("typo@example.com", {"age": "seventy"}),
    ]:
        subscriber = SubscriberFactory(workspace=ws, email=email, attributes=attributes)
        subscription_set(
            subscriber=subscriber, mailing_list=news, status="subscribed", source="api"
        )
    seniors = SegmentFactory(
        workspace=ws,
        definition={"conditions": [{"type": "attribute", "name": "age", "op": "gte", "value": 65}]},
    )
    campaign = CampaignFactory(workspace=ws, exclude_segment=seniors)
    campaign.lists.add(news)

    assert sorted(campaign_audience(campaign).values_list("email", flat=True), key=str) == [
        "typo@example.com",
        "unknown@example.com",
        "young@example.com",
    ]
