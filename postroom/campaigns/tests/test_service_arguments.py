"""campaign_save names every field it sets; a change touches only the fields given, never the status."""

import datetime as dt
import inspect

import pytest

from postroom.campaigns.forms import CampaignForm
from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.serializers import CampaignSerializer
from postroom.campaigns.services import campaign_save
from postroom.campaigns.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_it_takes_every_field_its_form_and_serializer_write():
    parameters = set(inspect.signature(campaign_save).parameters)
    writable = {n for n, f in CampaignSerializer().fields.items() if not f.read_only}

    assert set(CampaignForm._meta.fields) <= parameters
    assert writable <= parameters
    assert "status" not in parameters


def test_it_changes_only_the_fields_given(owner):
    campaign = CampaignFactory(
        workspace=owner.workspace, name="Before", window_start=dt.time(9), window_end=dt.time(17)
    )

    campaign_save(actor=owner, campaign=campaign, name="After")

    campaign.refresh_from_db()
    assert (campaign.name, campaign.window_start, campaign.window_end) == (
        "After",
        dt.time(9),
        dt.time(17),
    )


def test_it_clears_a_field_given_none(owner):
    campaign = CampaignFactory(
        workspace=owner.workspace, window_start=dt.time(9), window_end=dt.time(17)
    )

    campaign_save(actor=owner, campaign=campaign, window_start=None, window_end=None)

    campaign.refresh_from_db()
    assert campaign.window_start is None and campaign.window_end is None


def test_a_caller_cannot_set_the_status(owner):
    campaign = CampaignFactory(workspace=owner.workspace)

    with pytest.raises(TypeError):
        campaign_save(actor=owner, campaign=campaign, status=CampaignStatus.RUNNING)  # type: ignore[call-arg]
