"""The run store: what the engine needs from whoever owns runs, and the campaigns' implementation.

The engine reads whether a run's owner still wants it sent, and reports what
happened (launched, finished, too many errors); it never writes a campaign's
or a run's status. Campaign runs are the only runs today; transactional
messages will bring a second store.
"""

import datetime as dt
from typing import Protocol

from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus
from postroom.campaigns.services import runs as campaign_runs

SENDABLE = (CampaignStatus.RUNNING, CampaignStatus.SCHEDULED, CampaignStatus.FINISHED)
STOPPED = (CampaignStatus.CANCELLED, CampaignStatus.DISABLED)


class RunStore(Protocol):
    def state(self, run: CampaignRun) -> str | None:
        """The owner's current state (the campaign's status); None when it is gone."""
        ...

    def sendable(self, state: str | None) -> bool:
        """Whether a run in that state may send now."""
        ...

    def stopped(self, state: str | None) -> bool:
        """Whether a run in that state will never send again (its waiting deliveries are cancelled)."""
        ...

    def launched(self, run: CampaignRun, *, recipients: int, at: dt.datetime) -> None: ...

    def dropped(self, run: CampaignRun) -> None:
        """Its owner stopped it before launch."""
        ...

    def finished(self, run_id: int) -> bool:
        """Nothing is left to send; True if this call closed it."""
        ...

    def auto_pause(self, run: CampaignRun, *, reason: str) -> None: ...


class CampaignRuns:
    """Runs of campaigns: their state is their campaign's status."""

    def state(self, run: CampaignRun) -> str | None:
        status: str | None = (
            Campaign.objects.filter(pk=run.campaign_id).values_list("status", flat=True).first()
        )
        return status

    def sendable(self, state: str | None) -> bool:
        return state in SENDABLE

    def stopped(self, state: str | None) -> bool:
        return state in STOPPED

    def launched(self, run: CampaignRun, *, recipients: int, at: dt.datetime) -> None:
        campaign_runs.run_launched(run, recipients=recipients, at=at)

    def dropped(self, run: CampaignRun) -> None:
        campaign_runs.run_drop(run)

    def finished(self, run_id: int) -> bool:
        return campaign_runs.run_finish(run_id)

    def auto_pause(self, run: CampaignRun, *, reason: str) -> None:
        campaign_runs.campaign_auto_pause(campaign_id=run.campaign_id, reason=reason)


RUNS: RunStore = CampaignRuns()
