"""When a campaign that may send sends next: its first run, or its schedule going on from now."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.campaigns.models import Campaign, CampaignStatus, Periodicity, RunStatus
from postroom.campaigns.outbox import outbox
from postroom.campaigns.schedule import Schedule, next_after_run, next_occurrence
from postroom.campaigns.states import campaign_move

ACTIVE_RUNS = (RunStatus.DUE, RunStatus.SENDING)


def campaign_schedule_spec(campaign: Campaign) -> Schedule:
    return Schedule(
        start_at=campaign.start_at,
        end_at=campaign.end_at,
        periodicity=campaign.periodicity,
        time_zone=campaign.time_zone or "UTC",
        send_time=campaign.send_time,
        weekdays=tuple(campaign.weekdays or ()),
        month_day=campaign.month_day,
    )


def campaign_activate(campaign: Campaign, action: str) -> None:
    """Scheduled from now on: a one-off at its start (at once if past), a periodic one at its first slot.

    A periodic campaign with `send_at_start` first sends at its start (at once
    if past); that send then stands for its day's slot (`next_after_run`). A
    campaign that has run before goes on instead (`_continue`). The caller
    holds the campaign's lock and saves it.
    """
    if campaign.runs.exclude(status=RunStatus.CANCELLED).exists():
        _continue(campaign, action)
        return
    now = timezone.now()
    spec = campaign_schedule_spec(campaign)
    if campaign.periodicity == Periodicity.ONCE or campaign.send_at_start:
        # A one-off, or the start send a periodic campaign asked for: at the
        # start, or now when the start has passed.
        first = (
            max(campaign.start_at, now) if not campaign.end_at or campaign.end_at > now else None
        )
    else:
        # Slots only: a start already past never means "send at approval".
        first = next_occurrence(spec, now - dt.timedelta(seconds=1))
    if first is None:
        raise ValidationError(_("The campaign has no run left before its end."))
    campaign_move(campaign, action, CampaignStatus.SCHEDULED)
    campaign.next_run_at = first


def _continue(campaign: Campaign, action: str) -> None:
    """A campaign that has run before goes on: its open runs carry on, the schedule from now.

    Never a second run of a one-off campaign, nor a second run on a day that
    had one (its time moved from 09:00 to 10:00 after the 09:00 send: not
    again at 10:00).
    """
    last = (
        campaign.runs.exclude(status=RunStatus.CANCELLED)
        .order_by("-scheduled_for")
        .values_list("scheduled_for", flat=True)
        .first()
    )
    spec, now = campaign_schedule_spec(campaign), timezone.now()
    if campaign.periodicity == Periodicity.ONCE:
        campaign.next_run_at = None
    elif last is None:
        campaign.next_run_at = next_occurrence(spec, now)
    else:
        campaign.next_run_at = next_after_run(spec, run_at=last, now=now)
    runs = list(campaign.runs.filter(status__in=ACTIVE_RUNS).values_list("pk", "status"))
    done = not runs and not campaign.next_run_at
    campaign_move(campaign, action, CampaignStatus.FINISHED if done else CampaignStatus.RUNNING)
    outbox().runs_start(runs, workspace_id=campaign.workspace_id)
