"""An experiment lives with its campaign: approved with it, cloned with it, paused and cancelled with it."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from postroom.accounts.roles import Role
from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.services import campaign_clone, campaign_decide, campaign_schedule
from postroom.campaigns.services.approval import campaign_fingerprint
from postroom.campaigns.services.controls import campaign_transition
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.launch import run_launch
from postroom.experiments.models import Experiment, Phase, Round
from postroom.experiments.services import (
    ExperimentInput,
    VariantInput,
    experiment_remove,
    experiment_save,
    rounds_step_due,
)
from postroom.experiments.tests.factories import experiment_campaign, run_of

pytestmark = pytest.mark.django_db

TWO = [VariantInput(subject="One"), VariantInput(subject="Two")]


def test_every_variant_is_part_of_what_was_approved(
    owner, member, django_capture_on_commit_callbacks
):
    # given an approved campaign with an experiment
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    approver = member(Role.APPROVER, workspace=owner.workspace)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(MailingListFactory(workspace=owner.workspace))
    experiment_save(actor=owner, campaign=campaign, config=ExperimentInput(), variants=TWO)
    before = campaign_fingerprint(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(actor=owner, campaign=campaign)
    campaign = campaign_decide(actor=approver, campaign=campaign, approve=True)
    assert campaign.status == CampaignStatus.SCHEDULED
    # when a variant's subject changes
    changed = [TWO[0], VariantInput(subject="Two, changed")]
    experiment_save(actor=owner, campaign=campaign, config=ExperimentInput(), variants=changed)
    # then it needs approval again
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL
    assert campaign_fingerprint(campaign) != before


def test_a_campaign_without_an_experiment_keeps_its_fingerprint(owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    before = campaign_fingerprint(campaign)
    experiment_save(actor=owner, campaign=campaign, config=ExperimentInput(), variants=TWO)
    assert campaign_fingerprint(campaign) != before
    Experiment.objects.all().delete()
    assert campaign_fingerprint(campaign) == before


def test_a_clone_keeps_the_variants_with_a_new_draw(owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    original = experiment_save(
        actor=owner, campaign=campaign, config=ExperimentInput(test_percent=30), variants=TWO
    )
    clone = campaign_clone(actor=owner, campaign=campaign)
    copied = Experiment.objects.get(campaign=clone)
    assert copied.test_percent == 30
    assert list(copied.variants.values_list("number", "subject")) == [(1, "One"), (2, "Two")]
    assert copied.seed != original.seed
    assert list(original.variants.values_list("subject", flat=True)) == ["One", "Two"]


def test_a_paused_campaign_does_not_choose_until_resumed(owner):
    campaign, _, _ = experiment_campaign(owner.workspace, 40, test_percent=50, wait_hours=1)
    run = run_of(campaign)
    run_launch(run.pk)
    campaign_transition(actor=owner, campaign=campaign, action="pause")
    later = timezone.now() + dt.timedelta(hours=2)
    with time_machine.travel(later):
        assert rounds_step_due() == 0
        campaign.refresh_from_db()
        campaign_transition(actor=owner, campaign=campaign, action="resume")
        assert rounds_step_due() > 0
    assert Round.objects.get(run=run).phase == Phase.DECIDED


def test_cancelling_cancels_the_recipients_still_waiting(owner):
    campaign, _, _ = experiment_campaign(owner.workspace, 40, test_percent=50)
    run = run_of(campaign)
    run_launch(run.pk)
    campaign_transition(actor=owner, campaign=campaign, action="cancel")
    assert not Delivery.objects.filter(run=run, status=DeliveryStatus.WAITING).exists()
    assert Delivery.objects.filter(run=run, status=DeliveryStatus.CANCELLED).count() == 40


def test_a_variant_that_cannot_render_is_refused_at_save(owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    broken = [VariantInput(subject="Fine"), VariantInput(subject="Hello {{ broken")]
    with pytest.raises(ValidationError) as refused:
        experiment_save(actor=owner, campaign=campaign, config=ExperimentInput(), variants=broken)
    assert "Variant B" in str(refused.value)
    assert not Experiment.objects.exists()


def test_a_paused_campaign_keeps_its_experiment_while_a_run_is_under_way(owner):
    campaign, _, _ = experiment_campaign(owner.workspace, 20, test_percent=50)
    run_launch(run_of(campaign).pk)
    campaign_transition(actor=owner, campaign=campaign, action="pause")
    campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        experiment_remove(actor=owner, campaign=campaign)
    with pytest.raises(ValidationError):
        experiment_save(actor=owner, campaign=campaign, config=ExperimentInput(), variants=TWO)
    assert Round.objects.filter(run__campaign=campaign).exists()
