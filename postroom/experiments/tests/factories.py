from django.utils import timezone

from postroom.campaigns.models import CampaignRun, CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.tests.factories import audience
from postroom.experiments.models import Experiment, Variant


def experiment_campaign(workspace, people=100, *, variants=("Subject A", "Subject B"), **config):
    """A running campaign to `people` subscribers with an experiment over subject lines."""
    mailing_list, subscribers = audience(workspace, people)
    campaign = CampaignFactory(workspace=workspace, status=CampaignStatus.RUNNING)
    campaign.lists.add(mailing_list)
    experiment = Experiment.objects.create(campaign=campaign, **config)
    for number, subject in enumerate(variants, start=1):
        Variant.objects.create(experiment=experiment, number=number, subject=subject)
    return campaign, experiment, subscribers


def run_of(campaign):
    return CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
