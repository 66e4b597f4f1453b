"""Saving a segment: its campaigns' approval follows its definition."""

from django.db import transaction

from postroom.accounts.models import User
from postroom.audience.models import Segment
from postroom.audience.signals import segment_changed


@transaction.atomic
def segment_save(*, segment: Segment, user: User | None) -> Segment:
    """Save a (validated) segment; approved campaigns it decides the audience of need approval again.

    Checked here (through `segment_changed`, which the campaigns app receives) so
    approvers see it at once; the launch checks again in any case.
    """
    segment.save()
    segment_changed.send(sender=Segment, segment_id=segment.pk, user=user)
    return segment
