"""When a scheduled campaign runs next: edits move it, the end stops it, at once only when asked."""

import pytest
import time_machine

from postroom.campaigns.dispatch import campaigns_dispatch_due
from postroom.campaigns.models import CampaignRun, CampaignStatus
from postroom.campaigns.services import campaign_save, campaign_schedule
from postroom.campaigns.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_moving_the_start_of_a_scheduled_campaign_moves_its_next_run(owner, campaign):
    with time_machine.travel(at(2030, 5, 1), tick=False):
        campaign_schedule(actor=owner, campaign=campaign)
        campaign = campaign_save(actor=owner, campaign=campaign, start_at=at(2030, 7, 1, 9))

    assert campaign.next_run_at == at(2030, 7, 1, 9)


def test_no_late_run_after_the_end(owner, campaign):
    campaign.end_at = at(2030, 6, 3)
    campaign.periodicity = "daily"
    campaign.save()
    with time_machine.travel(at(2030, 5, 31), tick=False):
        campaign_schedule(actor=owner, campaign=campaign)

    with time_machine.travel(at(2030, 6, 20), tick=False):
        campaigns_dispatch_due()

    campaign.refresh_from_db()
    assert not CampaignRun.objects.exists()
    assert campaign.status == CampaignStatus.FINISHED


def test_a_periodic_campaign_inside_its_window_starts_at_once_only_when_asked(owner, campaign):
    # Issue 13 replaced "at once" by "at its slots" (a send at approval went out
    # twice with the slot); starting at once is now an explicit option.
    campaign.periodicity = "daily"
    campaign.send_at_start = True
    campaign.start_at = at(2030, 6, 1, 9)
    campaign.end_at = at(2030, 6, 1, 18)
    campaign.save()

    with time_machine.travel(at(2030, 6, 1, 12), tick=False):
        campaign = campaign_schedule(actor=owner, campaign=campaign)

    assert campaign.next_run_at == at(2030, 6, 1, 12)
