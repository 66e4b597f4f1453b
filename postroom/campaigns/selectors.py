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
    include = _on_lists(list_ids) if list_ids else Q()
    if campaign.segment is not None:
        include &= segment_q(campaign.segment.definition, workspace_id=campaign.workspace_id)
    if not list_ids and campaign.segment is None:
        return Q(pk__in=[])
    excluded = list(campaign.exclude_lists.values_list("id", flat=True))
    if excluded:
        include &= ~_on_lists(excluded)
    if campaign.exclude_segment is not None:
        # Not `~segment_q(...)`: a condition that is unknown for a subscriber
        # (no such attribute, or a value of another type) would make its
        # negation unknown too and drop them, though the segment does not match them.
        in_segment = Subscriber.objects.filter(pk=OuterRef("pk")).filter(
            segment_q(campaign.exclude_segment.definition, workspace_id=campaign.workspace_id)
        )
        include &= Q(~Exists(in_segment))
    return (
        include
        & Q(status=SubscriberStatus.ACTIVE)
        & channel_reachable_q(campaign.channel)
        & unsuppressed_q()
    )


def campaign_audience(campaign: Campaign) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(workspace_id=campaign.workspace_id).filter(
        campaign_audience_q(campaign)
    )
