"""An experiment is part of its campaign: approved with it, cloned with it."""

from typing import Any

from django.dispatch import receiver
from django.utils.translation import gettext as _

from postroom.campaigns.models import Campaign
from postroom.campaigns.services.approval import fingerprint_part_register, message_print
from postroom.campaigns.signals import campaign_cloned
from postroom.content.models import Message
from postroom.experiments.models import Experiment, Variant


def experiment_print(campaign: Campaign) -> list[Any] | None:
    """What an approver approves of the experiment: how it splits, and every variant's content."""
    experiment = (
        Experiment.objects.filter(campaign_id=campaign.pk)
        .prefetch_related("variants__message__layout")
        .first()
    )
    if experiment is None:
        return None
    config = [
        experiment.mode,
        experiment.metric,
        experiment.test_percent,
        experiment.test_count,
        experiment.wait_hours,
        experiment.confidence,
        experiment.fallback,
        experiment.holdout_percent,
        experiment.wave_percent,
        experiment.wave_minutes,
        experiment.min_share_percent,
    ]
    variants = [
        [
            v.number,
            v.subject,
            v.preheader,
            v.from_name,
            [v.message_id, message_print(v.message)] if v.message else None,
            str(v.send_time),
        ]
        for v in experiment.variants.all()
    ]
    return [config, variants]


fingerprint_part_register("experiment", experiment_print)


@receiver(campaign_cloned, dispatch_uid="experiments.clone")
def _cloned(sender: Any, original: Campaign, clone: Campaign, **kwargs: Any) -> None:
    experiment = Experiment.objects.filter(campaign_id=original.pk).first()
    if experiment is None:
        return
    variants = list(experiment.variants.select_related("message"))
    experiment.pk = None
    experiment.campaign = clone
    experiment.seed = Experiment._meta.get_field("seed").get_default()
    experiment.save()
    for variant in variants:
        if variant.message is not None:
            variant.message = _message_copy(variant.message)
        variant.pk = None
        variant.experiment = experiment
    Variant.objects.bulk_create(variants)


def _message_copy(message: Message) -> Message:
    message.pk = None
    message.name = _("%(name)s (copy)") % {"name": message.name}
    message.version = 1
    message.save()
    return message
