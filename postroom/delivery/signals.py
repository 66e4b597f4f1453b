"""Signals of the delivery app, for other apps to count what happened."""

from django.dispatch import Signal

# A new BounceEvent was stored (never for a replay): sender=BounceEvent, event=<the row>.
# Sent inside the intake's transaction, so a receiver's writes commit or roll back with
# the event, and a replayed intake, which stores nothing, sends nothing.
bounce_recorded = Signal()
