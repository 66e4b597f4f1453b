"""Signals of the push app for the apps above it (tracking will count provider outcomes)."""

from django.dispatch import Signal

# sent with workspace_id and outcomes (a list of `postroom.push.providers.onesignal_outcomes.PushOutcome`)
push_outcomes_polled = Signal()
