from django.db.models import Exists, OuterRef, Q, QuerySet

from postroom.audience.models import Subscriber, SubscriberStatus, Subscription, SubscriptionStatus
from postroom.audience.segments import segment_q
from postroom.audience.selectors import unsuppressed_q
from postroom.campaigns.channels import channel_reachable_q
from postroom.campaigns.models import Campaign


def _on_lists(list_ids: list[int]) -> Q:
    return Q(
        Exists(
            Subscription.objects.filter(
                subscriber=OuterRef("pk"),
                mailing_list_id__in=list_ids,
                status=SubscriptionStatus.SUBSCRIBED,
            )
        )
    )


def campaign_audience_q(campaign: Campaign) -> Q:
    """Who a campaign is for, as one condition over Subscriber.

    Subscribed to any of its lists (narrowed by its segment when it has both, or
    the segment alone), minus its exclusion lists and segment; never anyone
    blocklisted or suppressed, nor anyone the channel cannot reach (email: a
    contact without an address; push: without a valid device).
    """
    list_ids = list(campaign.lists.values_list("id", flat=True))
    if not list_ids and campaign.segment is None:
        return Q(pk__in=[])
    include = _on_lists(list_ids) if list_ids else Q()
    excluded = list(campaign.exclude_lists.values_list("id", flat=True))
    if excluded:
        include &= ~_on_lists(excluded)
    include &= campaign_segments_q(campaign) or Q()
    return (
        include
        & Q(status=SubscriberStatus.ACTIVE)
        & channel_reachable_q(campaign.channel)
        & unsuppressed_q()
    )


def campaign_segments_q(campaign: Campaign) -> Q | None:
    """In the campaign's segment and not in its exclusion segment; None when it has neither.

    Push's pre-send check asks it again for each batch: filter chains change
    (an attribute, a recent activity) between the launch and the send.
    """
    if campaign.segment is None and campaign.exclude_segment is None:
        return None
    condition = Q()
    if campaign.segment is not None:
        condition &= segment_q(campaign.segment.definition, workspace_id=campaign.workspace_id)
    if campaign.exclude_segment is not None:
        # Not `~segment_q(...)`: a condition that is unknown for a subscriber
        # (no such attribute, or a value of another type) would make its
        # negation unknown too and drop them, though the segment does not match them.
        in_segment = Subscriber.objects.filter(pk=OuterRef("pk")).filter(
            segment_q(campaign.exclude_segment.definition, workspace_id=campaign.workspace_id)
        )
        condition &= Q(~Exists(in_segment))
    return condition


def campaign_audience(campaign: Campaign) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(workspace_id=campaign.workspace_id).filter(
        campaign_audience_q(campaign)
    )
