"""Saving a segment: its campaigns' approval follows its definition."""

from typing import Any

from django.db import transaction

from postroom.accounts.models import User, Workspace
from postroom.audience.models import Segment
from postroom.audience.signals import segment_changed
from postroom.core.unset import UNSET, Unset, fields_assign


@transaction.atomic
def segment_save(
    *,
    workspace: Workspace,
    segment: Segment | None = None,
    user: User | None,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    definition: dict[str, Any] | Unset = UNSET,
) -> Segment:
    """Create or change a segment whose definition the caller has validated (`segment_q`).

    Fields left UNSET keep their value (a new segment: the model's default).
    Approved campaigns it decides the audience of need approval again: checked
    here (through `segment_changed`, which the campaigns app receives) so
    approvers see it at once; the launch checks again in any case.
    """
    segment = segment or Segment(workspace=workspace)
    fields_assign(segment, name=name, description=description, definition=definition)
    segment.save()
    segment_changed.send(sender=Segment, segment_id=segment.pk, user=user)
    return segment
