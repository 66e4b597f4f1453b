"""What campaigns do when the content or the audience below them changes.

Content and audience cannot call campaigns (they are lower layers); they send
signals, and approved campaigns whose message, layout, block or segment
changed go back to pending approval here, in the sender's transaction.
"""

from typing import Any

from django.dispatch import receiver

from postroom.accounts.models import User
from postroom.audience.signals import segment_changed
from postroom.campaigns.services import (
    campaigns_recheck_for_message,
    campaigns_recheck_for_segment,
    campaigns_recheck_for_workspace,
)
from postroom.content.signals import content_changed, message_changed


@receiver(message_changed, dispatch_uid="campaigns.recheck_for_message")
def _message_changed(sender: Any, message_id: int, user: User | None, **kwargs: Any) -> None:
    campaigns_recheck_for_message(message_id=message_id, user=user)


@receiver(content_changed, dispatch_uid="campaigns.recheck_for_content")
def _content_changed(sender: Any, workspace_id: int, user: User | None, **kwargs: Any) -> None:
    campaigns_recheck_for_workspace(workspace_id=workspace_id, user=user)


@receiver(segment_changed, dispatch_uid="campaigns.recheck_for_segment")
def _segment_changed(sender: Any, segment_id: int, user: User | None, **kwargs: Any) -> None:
    campaigns_recheck_for_segment(segment_id=segment_id, user=user)
