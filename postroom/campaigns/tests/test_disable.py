"""A campaign the platform disabled stays disabled: no stale edit revives it, no clone copies it."""

import pytest
from django.core.exceptions import ValidationError

from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.services import campaign_clone, campaign_disable, campaign_save

pytestmark = pytest.mark.django_db


def test_a_stale_edit_does_not_revive_a_disabled_campaign(owner, campaign, django_user_model):
    from django.contrib.auth.models import Group

    manager = django_user_model.objects.create_user(email="m@example.com", password="x")
    manager.groups.add(Group.objects.get(name="Manager"))
    stale = type(campaign).objects.get(pk=campaign.pk)
    campaign_disable(
        by=django_user_model.objects.get(pk=manager.pk), campaign=campaign, reason="Phishing"
    )

    with pytest.raises(ValidationError):
        campaign_save(actor=owner, campaign=stale, name="Innocent")


def test_a_disabled_campaign_cannot_be_cloned(owner, campaign):
    campaign.status = CampaignStatus.DISABLED
    campaign.save()

    with pytest.raises(ValidationError):
        campaign_clone(actor=owner, campaign=campaign)
