"""Signals of the content app, for the apps above it to follow what a message shows.

Sent inside the saving service's transaction, so a receiver's writes commit or
roll back with the change.
"""

from django.dispatch import Signal

# A message that existed was changed: sender=Message, message_id=<int>, user=<User | None>
# (who changed it). Not sent for a new message: nothing can have approved it yet.
message_changed = Signal()

# A layout or content block was saved or deleted, so any message of the workspace may
# render differently: sender=Layout or ContentBlock, workspace_id=<int>, user=None.
content_changed = Signal()
