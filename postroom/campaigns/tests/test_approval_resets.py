"""What an approver approved stays approved only while it is unchanged: edits send it back."""

import pytest

from postroom.campaigns.models import CampaignStatus
from postroom.campaigns.services import campaign_fingerprint
from postroom.content.services import block_save, message_save

pytestmark = pytest.mark.django_db


def test_editing_the_message_of_a_running_campaign_needs_approval_again(owner, approved):
    approved.status = CampaignStatus.RUNNING
    approved.save()

    message_save(workspace=owner.workspace, message=approved.message, body="<p>Something else</p>")

    approved.refresh_from_db()
    assert approved.status == CampaignStatus.PENDING_APPROVAL


def test_editing_an_included_block_needs_approval_again(owner, approved):
    block = block_save(workspace=owner.workspace, key="footer", name="Footer", html="<p>v1</p>")
    message_save(workspace=owner.workspace, message=approved.message, body='{% include "footer" %}')
    approved.refresh_from_db()
    approved.approved_fingerprint = campaign_fingerprint(approved)
    approved.status = CampaignStatus.SCHEDULED
    approved.save()

    block_save(workspace=owner.workspace, block=block, html="<p>v2</p>")

    approved.refresh_from_db()
    assert approved.status == CampaignStatus.PENDING_APPROVAL
