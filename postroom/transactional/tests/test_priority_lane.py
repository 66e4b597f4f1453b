"""Transactional messages go before campaign work: at the next batch boundary of a running job."""

import pytest

from postroom.campaigns.models import CampaignStatus
from postroom.delivery.models import DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run, relay_for
from postroom.transactional.models import TxMessage
from postroom.transactional.services.mime import Attachment  # noqa: F401  (shape of a submission)
from postroom.transactional.services.submit import TxSubmission, tx_submit
from postroom.transactional.tests.factories import TxTemplateFactory

pytestmark = pytest.mark.django_db


def _submission(template, to):
    return TxSubmission(
        template=template.pk,
        to=[to],
        data={"order_id": "B-7", "name": "Tom"},
        headers={},
        attachments=[],
    )


def test_a_message_submitted_mid_campaign_is_sent_at_the_next_batch_boundary(
    owner, smtp_server, settings
):
    # given a campaign of 120 being sent in batches of 30
    settings.DELIVERY_BATCH_SIZE = 30
    relay_for(smtp_server, owner.workspace, max_connections=1)
    _campaign, run, _people = launched_run(owner.workspace, 120)
    template = TxTemplateFactory(workspace=owner.workspace)
    batches = []

    def submit_after_first_batch(report) -> None:
        batches.append(report.sent)
        if len(batches) == 1:
            tx_submit(
                workspace=owner.workspace, submission=_submission(template, "urgent@example.com")
            )

    # when a job is mid-run and a receipt is submitted after its first batch
    report = run_send(run.pk, on_progress=submit_after_first_batch)

    # then the receipt went out right after that batch, before the campaign's remaining 90
    order = [received.recipient for received in smtp_server.received]
    assert report.sent == 120
    assert order.index("urgent@example.com") == 30
    assert TxMessage.objects.select_related("delivery").get().delivery.status == DeliveryStatus.SENT


def test_a_paused_campaign_does_not_hold_up_the_lane(owner, smtp_server):
    from postroom.delivery.sending.lane import lane_run

    relay_for(smtp_server, owner.workspace)
    campaign, _run, _people = launched_run(owner.workspace, 5)
    campaign.status = CampaignStatus.PAUSED
    campaign.save()
    template = TxTemplateFactory(workspace=owner.workspace)
    tx_submit(workspace=owner.workspace, submission=_submission(template, "x@example.com"))

    report = lane_run(owner.workspace.pk)

    assert report.sent == 1
    assert [r.recipient for r in smtp_server.received] == ["x@example.com"]


def test_the_lane_of_one_workspace_is_not_sent_by_another_workspaces_jobs(
    owner, other_owner, smtp_server
):
    from postroom.delivery.sending.lane import lane_run

    relay_for(smtp_server, owner.workspace)
    relay_for(smtp_server, other_owner.workspace)
    template = TxTemplateFactory(workspace=other_owner.workspace)
    tx_submit(workspace=other_owner.workspace, submission=_submission(template, "y@example.com"))

    mine = lane_run(owner.workspace.pk)
    theirs = lane_run(other_owner.workspace.pk)

    assert (mine.sent, theirs.sent) == (0, 1)
