"""Writes of experiments: configuring one, opening a run's round, stepping it, the owner's pick."""

import datetime as dt
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.outbox import outbox
from postroom.campaigns.services import campaign_recheck_approval
from postroom.campaigns.services.access import require_perm
from postroom.campaigns.services.approval import EDITABLE
from postroom.content.models import Message
from postroom.content.services import message_check
from postroom.experiments import plans
from postroom.experiments.draw import BUCKETS
from postroom.experiments.evidence import bandit_arms, carried_prior
from postroom.experiments.models import (
    MAX_VARIANTS,
    Experiment,
    Fallback,
    Metric,
    Mode,
    Phase,
    Round,
    Variant,
    Wave,
)
from postroom.experiments.seams import outcomes, waves
from postroom.experiments.selectors import variant_message


@dataclass(frozen=True)
class VariantInput:
    subject: str = ""
    preheader: str = ""
    from_name: str = ""
    message_id: int | None = None
    send_time: dt.time | None = None


@dataclass(frozen=True)
class ExperimentInput:
    mode: str = Mode.AB
    metric: str = Metric.CLICK_RATE
    test_percent: int = 20
    test_count: int | None = None
    wait_hours: int = 4
    confidence: int = 95
    fallback: str = Fallback.FIRST
    holdout_percent: int = 0
    wave_percent: int = 5
    wave_minutes: int = 60
    min_share_percent: int = 5


def experiment_settings(experiment: Experiment) -> plans.Settings:
    return plans.Settings(
        mode=experiment.mode,
        metric=experiment.metric,
        variants=tuple(v.number for v in experiment.variants.all()),
        test_percent=experiment.test_percent,
        test_count=experiment.test_count,
        wait_hours=experiment.wait_hours,
        confidence=experiment.confidence,
        fallback=experiment.fallback,
        holdout_percent=experiment.holdout_percent,
        wave_percent=experiment.wave_percent,
        wave_minutes=experiment.wave_minutes,
        min_share_percent=experiment.min_share_percent,
    )


def experiment_save(
    *,
    actor: Membership,
    campaign: Campaign,
    config: ExperimentInput,
    variants: list[VariantInput],
) -> Experiment:
    """Create or replace the campaign's experiment; an approved campaign goes back to approval.

    Only while the campaign can be edited, with 2-8 variants whose messages
    belong to the workspace.
    """
    require_perm(actor, Perm.CAMPAIGN_CHANGE, campaign)
    _editable(campaign)
    if not 2 <= len(variants) <= MAX_VARIANTS:
        raise ValidationError({"variants": _("An experiment has 2 to 8 variants.")})
    message_ids = {v.message_id for v in variants if v.message_id is not None}
    known = set(
        Message.objects.filter(workspace_id=campaign.workspace_id, pk__in=message_ids).values_list(
            "pk", flat=True
        )
    )
    if message_ids - known:
        raise ValidationError({"variants": _("A variant's message belongs to another workspace.")})
    if config.mode != Mode.BANDIT and config.test_count is None and not config.test_percent:
        raise ValidationError({"test_percent": _("The test group needs a size.")})
    with transaction.atomic():
        experiment, _created = Experiment.objects.update_or_create(
            campaign=campaign, defaults=vars(config)
        )
        experiment.full_clean(exclude=["campaign"])
        rows = [
            Variant(experiment=experiment, number=index, **vars(variant))
            for index, variant in enumerate(variants, start=1)
        ]
        _variants_check(campaign, rows)
        experiment.variants.all().delete()
        Variant.objects.bulk_create(rows)
        campaign_recheck_approval(campaign=campaign, user=actor.user)
    return experiment


def experiment_remove(*, actor: Membership, campaign: Campaign) -> None:
    require_perm(actor, Perm.CAMPAIGN_CHANGE, campaign)
    _editable(campaign)
    with transaction.atomic():
        Experiment.objects.filter(campaign=campaign).delete()
        campaign_recheck_approval(campaign=campaign, user=actor.user)


def _editable(campaign: Campaign) -> None:
    """Editable like the campaign, and not while a run is under way: its draw would be orphaned."""
    if campaign.status not in EDITABLE:
        raise ValidationError(
            _("Not possible while the campaign is %(s)s.") % {"s": campaign.get_status_display()}
        )
    under_way = Round.objects.filter(
        experiment__campaign=campaign, run__status__in=(RunStatus.DUE, RunStatus.SENDING)
    ).exists()
    if under_way:
        raise ValidationError(
            _(
                "A run of this experiment is under way: change it once the run has ended, "
                "or cancel the campaign."
            )
        )


def _variants_check(campaign: Campaign, variants: list[Variant]) -> None:
    """Each variant's message renders, refused at save with the variant and the error's place."""
    if campaign.message is None:
        return  # a push campaign: a variant changes the creative's title, checked when sent
    for variant in variants:
        if variant.message_id is not None:
            variant.message = Message.objects.get(pk=variant.message_id)
        try:
            message_check(variant_message(variant, campaign.message))
        except ValidationError as exc:
            raise ValidationError(
                {
                    "variants": _("Variant %(letter)s: %(error)s")
                    % {"letter": variant.letter, "error": " ".join(exc.messages)}
                }
            ) from exc


def round_open(
    *, run: CampaignRun, experiment: Experiment, audience: int, now: dt.datetime
) -> list[plans.Release]:
    """The run's round, and the ranges its launch releases (inside the launch's transaction)."""
    settings = experiment_settings(experiment)
    prior = {}
    if settings.mode == "bandit":  # a periodic campaign's bandit goes on from its earlier runs
        prior = carried_prior(
            campaign_id=run.campaign_id, before_run=run.pk, variants=settings.variants
        )
    rng = random.Random(f"{experiment.seed}:{run.pk}:0")
    releases = plans.launch_releases(settings, audience=audience, prior=prior, rng=rng)
    phase = {"bandit": Phase.WAVES, "manual": Phase.WAITING_PICK}.get(settings.mode, Phase.TESTING)
    round_ = Round.objects.create(
        experiment=experiment,
        run=run,
        phase=phase,
        released_to=releases[-1].bucket_to,
        next_step_at=plans.first_step_at(settings, now),
    )
    Wave.objects.bulk_create([_wave_row(round_, release, now) for release in releases])
    return releases


def _wave_row(round_: Round, release: plans.Release, now: dt.datetime) -> Wave:
    return Wave(
        round=round_,
        kind=release.kind,
        at=now,
        bucket_from=release.bucket_from,
        bucket_to=release.bucket_to,
        shares={str(number): share for number, share in release.shares.items()},
    )


def rounds_step_due(*, now: dt.datetime | None = None) -> int:
    """Step every round whose time has come on a sending run of a running campaign."""
    now = now or timezone.now()
    sending = Q(run__status=RunStatus.SENDING, run__campaign__status=CampaignStatus.RUNNING)
    only_deciding = Q(released_to__gte=BUCKETS)  # a test of everyone: nothing left to release
    due = Round.objects.filter(
        sending | only_deciding,
        next_step_at__lte=now,
        phase__in=(Phase.TESTING, Phase.WAVES),
    ).values_list("pk", flat=True)
    return sum(round_step_apply(round_id=pk, now=now) for pk in list(due))


def round_step_apply(*, round_id: int, now: dt.datetime) -> int:
    """Decide and release one round's next step; the number of recipients released."""
    with transaction.atomic():
        round_ = (
            Round.objects.select_for_update()
            .select_related("run__campaign", "experiment")
            .filter(pk=round_id, next_step_at__lte=now)
            .first()
        )
        if round_ is None or round_.phase not in (Phase.TESTING, Phase.WAVES):
            return 0  # another worker took it
        experiment = round_.experiment
        settings = experiment_settings(experiment)
        if settings.mode == "bandit":
            arms = bandit_arms(
                run=round_.run, variants=settings.variants, metric=settings.metric, now=now
            )
        else:
            arms = outcomes().arms(run_ids=[round_.run_id])
        step = plans.round_step(
            settings,
            released_to=round_.released_to,
            extended=round_.extended,
            arms=arms,
            now=now,
            rng=random.Random(f"{experiment.seed}:{round_.run_id}:{round_.waves.count()}"),
        )
        return _step_record(round_, step, now)


def round_pick_winner(*, actor: Membership, campaign: Campaign, number: int) -> int:
    """The owner's choice: the rest of the current run's audience gets variant `number`."""
    require_perm(actor, Perm.CAMPAIGN_SEND, campaign)
    with transaction.atomic():
        round_ = (
            Round.objects.select_for_update()
            .select_related("run__campaign", "experiment")
            .filter(experiment__campaign=campaign)
            .order_by("-run__scheduled_for")
            .first()
        )
        if round_ is None or round_.phase not in (Phase.TESTING, Phase.WAITING_PICK):
            raise ValidationError(_("There is no test waiting for a winner."))
        settings = experiment_settings(round_.experiment)
        try:
            step = plans.pick_step(settings, released_to=round_.released_to, winner=number)
        except ValueError:
            raise ValidationError({"variant": _("No such variant.")}) from None
        round_.decided_by = actor.user
        return _step_record(round_, step, timezone.now(), reason="picked")


def _step_record(round_: Round, step: plans.Step, now: dt.datetime, reason: str = "") -> int:
    released = 0
    if step.release is not None:
        released = waves().release(run=round_.run, release=step.release, now=now)
        _wave_row(round_, step.release, now).save()
        round_.released_to = step.release.bucket_to
    round_.phase = step.phase
    round_.next_step_at = step.next_step_at
    round_.extended = step.extended or round_.extended
    if step.decision is not None:
        round_.probability = step.decision.probability
        round_.reason = step.decision.reason
    if step.winner is not None:
        round_.winner = step.winner
        round_.decided_at = now
        round_.reason = reason or round_.reason
    round_.save()
    if released:
        run = round_.run
        outbox().runs_start([(run.pk, run.status)], workspace_id=run.campaign.workspace_id)
    return released
