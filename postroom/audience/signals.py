"""Signals of the audience app, for the apps above it to follow what happens here."""

from django.dispatch import Signal

# Sent after a recipient unsubscribed through a link from a message, with `request`:
# the tracking app reads the message's token from it to count the unsubscribe.
unsubscribed_by_link = Signal()

# A segment was saved (its definition may have changed who it selects): sender=Segment,
# segment_id=<int>, user=<User | None> (who saved it). Sent inside `segment_save`'s
# transaction, so a receiver's writes commit or roll back with the segment.
segment_changed = Signal()
