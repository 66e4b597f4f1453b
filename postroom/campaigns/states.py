"""The allowed moves of a campaign and of a run, written as data, and the two ways to make one.

Every status a Campaign or CampaignRun takes is set here: by `campaign_move`
(the caller holds the row's lock and saves it) or by `campaigns_move_where` /
`runs_move_where` (one conditional UPDATE, for writers that race: the scheduler,
workers, the reaper). A move the table does not allow is refused with
`TransitionRefused`, which says what the campaign is.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.signals import CampaignStatusChanged, campaign_status_changed

C = CampaignStatus
R = RunStatus
_ACTIVE = frozenset({C.SCHEDULED, C.RUNNING, C.FINISHED})  # where activation can land
_ANY = frozenset(CampaignStatus)

# action: {from: the statuses it may lead to}
CAMPAIGN_MOVES: dict[str, dict[CampaignStatus, frozenset[CampaignStatus]]] = {
    "submit": {
        C.DRAFT: frozenset({C.PENDING_APPROVAL}),
        C.PENDING_APPROVAL: frozenset({C.PENDING_APPROVAL}),
    },
    "schedule": {C.DRAFT: _ACTIVE, C.PENDING_APPROVAL: _ACTIVE},
    "approve": {C.PENDING_APPROVAL: _ACTIVE},
    "reject": {C.PENDING_APPROVAL: frozenset({C.DRAFT})},
    "reschedule": {C.SCHEDULED: _ACTIVE},  # its schedule was edited
    "reset_approval": {
        s: frozenset({C.PENDING_APPROVAL}) for s in (C.SCHEDULED, C.PAUSED, C.RUNNING)
    },
    "dispatch": {C.SCHEDULED: frozenset({C.RUNNING}), C.RUNNING: frozenset({C.RUNNING})},
    "send_now": {C.SCHEDULED: frozenset({C.RUNNING}), C.RUNNING: frozenset({C.RUNNING})},
    "pause": {C.SCHEDULED: frozenset({C.PAUSED}), C.RUNNING: frozenset({C.PAUSED})},
    "auto_pause": {s: frozenset({C.PAUSED}) for s in (C.RUNNING, C.SCHEDULED, C.FINISHED)},
    "resume": {C.PAUSED: _ACTIVE},
    "cancel": {
        s: frozenset({C.CANCELLED})
        for s in (C.DRAFT, C.PENDING_APPROVAL, C.SCHEDULED, C.RUNNING, C.PAUSED)
    },
    # Failed recipients queued again: a finished campaign runs again, others keep their state.
    "retry_failed": {
        **{s: frozenset({s}) for s in _ANY - {C.CANCELLED, C.DISABLED}},
        C.FINISHED: frozenset({C.RUNNING}),
    },
    "finish": {C.RUNNING: frozenset({C.FINISHED})},  # its last run ended, none to come
    "expire": {C.SCHEDULED: frozenset({C.FINISHED}), C.RUNNING: frozenset({C.FINISHED})},
    "disable": {s: frozenset({C.DISABLED}) for s in _ANY},
    "enable": {C.DISABLED: frozenset({C.DRAFT})},
}

RUN_MOVES: dict[str, dict[RunStatus, frozenset[RunStatus]]] = {
    "launch": {R.DUE: frozenset({R.SENDING})},
    "drop": {R.DUE: frozenset({R.CANCELLED})},  # its campaign was stopped before launch
    "finish": {R.SENDING: frozenset({R.FINISHED})},
    "cancel": {R.DUE: frozenset({R.CANCELLED}), R.SENDING: frozenset({R.CANCELLED})},
    "reopen": {R.SENDING: frozenset({R.SENDING}), R.FINISHED: frozenset({R.SENDING})},
}


class TransitionRefused(ValidationError):
    """The table does not allow this move from the current status."""


def campaign_sources(action: str) -> frozenset[CampaignStatus]:
    """The statuses `action` may start from."""
    return frozenset(CAMPAIGN_MOVES[action])


def campaign_move_allowed(action: str, source: str, target: str) -> bool:
    return target in CAMPAIGN_MOVES[action].get(CampaignStatus(source), frozenset())


def campaign_check(campaign: Campaign, action: str) -> None:
    """Refuse `action` unless the campaign's status may start it."""
    if campaign.status not in CAMPAIGN_MOVES[action]:
        raise TransitionRefused(
            _("Not possible while the campaign is %(s)s.") % {"s": campaign.get_status_display()}
        )


def campaign_move(campaign: Campaign, action: str, target: CampaignStatus) -> None:
    """Set the status of a campaign the caller has locked (and saves), if the table allows it."""
    campaign_check(campaign, action)
    if not campaign_move_allowed(action, campaign.status, target):
        raise TransitionRefused(
            _("Not possible while the campaign is %(s)s.") % {"s": campaign.get_status_display()}
        )
    previous = campaign.status
    campaign.status = target
    if previous != target and campaign.pk is not None:  # an unsaved one has no news
        _announce(
            CampaignStatusChanged(
                campaign_id=campaign.pk,
                status=target,
                previous=previous,
                action=action,
                at=timezone.now(),
                workspace_id=campaign.workspace_id,
                name=campaign.name,
                reason=campaign.paused_reason or "",
            )
        )


def _announce(change: CampaignStatusChanged) -> None:
    campaign_status_changed.send(sender=Campaign, change=change)


def campaigns_move_where(
    *, campaign_id: int, action: str, target: CampaignStatus, **fields: Any
) -> bool:
    """One conditional UPDATE from every status that may lead to `target`; False if none matched.

    `fields` are the other columns the move sets (a reason, the next run): their
    names are the model's, checked by Django.
    """
    sources = [s for s, targets in CAMPAIGN_MOVES[action].items() if target in targets]
    now = timezone.now()
    # Moves that change the status first, so that a change can be announced;
    # staying in `target` (a running campaign dispatched again) is no news.
    changing = [s for s in sources if s != target]
    moved = Campaign.objects.filter(pk=campaign_id, status__in=changing).update(
        status=target, updated_at=now, **fields
    )
    if moved:
        previous = changing[0] if len(changing) == 1 else None
        reason = str(fields.get("paused_reason", ""))
        _announce(CampaignStatusChanged(campaign_id, target, previous, action, now, reason=reason))
        return True
    if target in sources:
        moved = Campaign.objects.filter(pk=campaign_id, status=target).update(
            updated_at=now, **fields
        )
    return bool(moved)


def runs_move_where(
    runs: "QuerySet[CampaignRun] | Iterable[int]", *, action: str, target: RunStatus, **fields: Any
) -> int:
    """Move every given run (a queryset or ids) whose status allows it; returns how many moved."""
    sources = [s for s, targets in RUN_MOVES[action].items() if target in targets]
    if isinstance(runs, QuerySet):
        queryset = runs.filter(status__in=sources)
    else:
        queryset = CampaignRun.objects.filter(pk__in=list(runs), status__in=sources)
    return queryset.update(status=target, updated_at=timezone.now(), **fields)
