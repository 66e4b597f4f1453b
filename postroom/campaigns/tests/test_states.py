"""Campaign and run statuses move only as the table says; anything else is refused with the reason."""

import pytest
from django.utils import timezone, translation

from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus, RunStatus
from postroom.campaigns.services import campaign_retry_failed, campaign_transition
from postroom.campaigns.states import (
    CAMPAIGN_MOVES,
    RUN_MOVES,
    TransitionRefused,
    campaign_move,
    campaigns_move_where,
    runs_move_where,
)
from postroom.campaigns.tests.factories import CampaignFactory

ALL = list(CampaignStatus)
MOVES = [
    (action, source, target)
    for action, table in CAMPAIGN_MOVES.items()
    for source in ALL
    for target in ALL
]


@pytest.mark.parametrize(("action", "source", "target"), MOVES)
def test_a_move_is_made_exactly_when_the_table_allows_it(action, source, target):
    campaign = Campaign(status=source)
    allowed = target in CAMPAIGN_MOVES[action].get(source, ())

    if allowed:
        campaign_move(campaign, action, target)
        assert campaign.status == target
    else:
        with translation.override("en"), pytest.raises(TransitionRefused) as refused:
            campaign_move(campaign, action, target)
        assert campaign.status == source
        assert "Not possible while the campaign is" in refused.value.messages[0]


def test_every_status_can_be_reached_and_left():
    targets = {t for table in CAMPAIGN_MOVES.values() for ts in table.values() for t in ts}
    sources = {s for table in CAMPAIGN_MOVES.values() for s in table}

    assert targets == set(ALL)
    assert sources == set(ALL)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("pause", CampaignStatus.DRAFT),
        ("pause", CampaignStatus.FINISHED),
        ("resume", CampaignStatus.RUNNING),
        ("cancel", CampaignStatus.FINISHED),
        ("cancel", CampaignStatus.DISABLED),
    ],
)
def test_people_are_told_why_a_control_is_refused(owner, action, status):
    campaign = CampaignFactory(workspace=owner.workspace, status=status)

    with translation.override("en"), pytest.raises(TransitionRefused) as refused:
        campaign_transition(actor=owner, campaign=campaign, action=action)

    with translation.override("en"):
        assert refused.value.messages == [
            f"Not possible while the campaign is {campaign.get_status_display()}."
        ]
    campaign.refresh_from_db()
    assert campaign.status == status


@pytest.mark.django_db
@pytest.mark.parametrize("status", [CampaignStatus.CANCELLED, CampaignStatus.DISABLED])
def test_failed_recipients_of_a_stopped_campaign_are_not_retried(owner, status):
    campaign = CampaignFactory(workspace=owner.workspace, status=status)

    with pytest.raises(TransitionRefused):
        campaign_retry_failed(actor=owner, campaign=campaign)


@pytest.mark.django_db
def test_a_racing_writer_moves_only_from_an_allowed_status(owner):
    # given a campaign a manager disabled while a worker was finishing its run
    campaign = CampaignFactory(workspace=owner.workspace, status=CampaignStatus.DISABLED)

    # when the worker reports the run finished and errors piled up
    finished = campaigns_move_where(
        campaign_id=campaign.pk, action="finish", target=CampaignStatus.FINISHED
    )
    paused = campaigns_move_where(
        campaign_id=campaign.pk, action="auto_pause", target=CampaignStatus.PAUSED
    )

    # then the disabled campaign stays disabled
    assert not finished and not paused
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DISABLED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "source", "moved"),
    [
        (action, source, target)
        for action, table in RUN_MOVES.items()
        for source in RunStatus
        for target in [next(iter(table.get(source, {None})))]
    ],
)
def test_runs_move_only_from_the_statuses_the_table_names(owner, action, source, moved):
    campaign = CampaignFactory(workspace=owner.workspace, status=CampaignStatus.RUNNING)
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now(), status=source)
    target = moved or next(iter(next(iter(RUN_MOVES[action].values()))))

    count = runs_move_where([run.pk], action=action, target=target)

    run.refresh_from_db()
    assert count == (1 if moved else 0)
    assert run.status == (target if moved else source)
