"""Reads of experiments: a campaign's variants as the messages they send."""

import copy

from postroom.campaigns.models import Campaign
from postroom.content.models import Message
from postroom.experiments.models import Experiment, Variant


def experiment_of(campaign: Campaign) -> Experiment | None:
    """The campaign's experiment when it has one with at least two variants."""
    experiment = (
        Experiment.objects.filter(campaign_id=campaign.pk).prefetch_related("variants").first()
    )
    if experiment is None or len(experiment.variants.all()) < 2:
        return None
    return experiment


def variant_message(variant: Variant, base: Message) -> Message:
    """The message a variant sends: its own, or the campaign's with its changes (unsaved)."""
    message = variant.message or base
    if not (variant.subject or variant.preheader or variant.from_name):
        return message
    changed = copy.copy(message)
    changed.pk = None  # compiled for this run only, never cached as the original
    changed.subject = variant.subject or message.subject
    changed.preheader = variant.preheader or message.preheader
    changed.from_name = variant.from_name or message.from_name
    return changed


def variant_messages(campaign: Campaign) -> dict[int, Message]:
    """{variant number: message} for the campaign's experiment; empty without one."""
    experiment = experiment_of(campaign)
    base = campaign.message
    if experiment is None or base is None:  # none, or a push campaign (its creative, not a message)
        return {}
    return {
        variant.number: variant_message(variant, base)
        for variant in experiment.variants.select_related("message__layout")
    }
