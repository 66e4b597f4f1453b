"""Saving a segment: its campaigns' approval follows its definition."""

from django.db import transaction

from postroom.accounts.models import User
from postroom.audience.models import Segment


@transaction.atomic
def segment_save(*, segment: Segment, user: User | None) -> Segment:
    """Save a (validated) segment; approved campaigns it decides the audience of need approval again.

    Checked here so approvers see it at once; the launch checks again in any case.
    """
    segment.save()
    from postroom.campaigns.services import campaigns_recheck_for_segment

    campaigns_recheck_for_segment(segment_id=segment.pk, user=user)
    return segment
