import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from postroom.accounts.roles import Role
from postroom.audience.tests.factories import MailingListFactory
from postroom.campaigns.models import CampaignEvent, CampaignStatus
from postroom.campaigns.services import (
    campaign_clone,
    campaign_decide,
    campaign_save,
    campaign_schedule,
)
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.services import message_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submitting queues a link check on commit; run it as the worker would."""

    def do(actor, campaign):
        with django_capture_on_commit_callbacks(execute=True):
            return campaign_schedule(actor=actor, campaign=campaign)

    return do


@pytest.fixture
def setup(owner, member):
    owner.workspace.campaigns_need_approval = True
    owner.workspace.save()
    editor = member(Role.EDITOR, workspace=owner.workspace)
    approver = member(Role.APPROVER, workspace=owner.workspace)
    campaign = CampaignFactory(workspace=owner.workspace)
    campaign.lists.add(MailingListFactory(workspace=owner.workspace))
    return editor, approver, campaign


def test_an_editor_submits_and_an_approver_approves(setup, submit):
    editor, approver, campaign = setup

    campaign = submit(editor, campaign)
    assert campaign.status == CampaignStatus.PENDING_APPROVAL

    campaign = campaign_decide(actor=approver, campaign=campaign, approve=True)
    assert campaign.status == CampaignStatus.SCHEDULED
    assert list(campaign.events.values_list("action", flat=True)) == ["approved", "submitted"]


def test_editors_cannot_approve(setup, submit):
    editor, _approver, campaign = setup
    submit(editor, campaign)

    with pytest.raises(PermissionDenied):
        campaign_decide(actor=editor, campaign=campaign, approve=True)


def test_a_rejection_needs_a_comment_and_returns_to_draft(setup, submit):
    editor, approver, campaign = setup
    submit(editor, campaign)

    with pytest.raises(ValidationError):
        campaign_decide(actor=approver, campaign=campaign, approve=False)
    campaign = campaign_decide(
        actor=approver, campaign=campaign, approve=False, comment="Typo in the subject"
    )

    assert campaign.status == CampaignStatus.DRAFT
    assert CampaignEvent.objects.filter(action="rejected", comment="Typo in the subject").exists()


def test_changing_the_schedule_after_approval_goes_back_to_pending(setup, submit):
    editor, approver, campaign = setup
    submit(editor, campaign)
    campaign = campaign_decide(actor=approver, campaign=campaign, approve=True)

    campaign = campaign_save(
        actor=editor, campaign=campaign, start_at=campaign.start_at.replace(hour=11)
    )

    assert campaign.status == CampaignStatus.PENDING_APPROVAL
    assert campaign.next_run_at is None


def test_changing_the_content_after_approval_goes_back_to_pending(setup, submit):
    editor, approver, campaign = setup
    submit(editor, campaign)
    campaign_decide(actor=approver, campaign=campaign, approve=True)

    message_save(workspace=campaign.workspace, message=campaign.message, subject="A new subject")

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PENDING_APPROVAL


def test_a_viewer_cannot_change_or_schedule(setup, member, owner):
    _editor, _approver, campaign = setup
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    with pytest.raises(PermissionDenied):
        campaign_save(actor=viewer, campaign=campaign, name="x")
    with pytest.raises(PermissionDenied):
        campaign_schedule(actor=viewer, campaign=campaign)


def test_another_workspaces_member_is_refused(setup, other_owner):
    _editor, _approver, campaign = setup

    with pytest.raises(PermissionDenied):
        campaign_save(actor=other_owner, campaign=campaign, name="mine now")


def test_cloning_copies_message_audience_and_settings_into_a_draft(setup, submit):
    editor, approver, campaign = setup
    submit(editor, campaign)
    campaign = campaign_decide(actor=approver, campaign=campaign, approve=True)

    clone = campaign_clone(actor=editor, campaign=campaign)

    assert clone.status == CampaignStatus.DRAFT and clone.pk != campaign.pk
    assert clone.message_id != campaign.message_id and clone.message.body == campaign.message.body
    assert list(clone.lists.all()) == list(campaign.lists.all())
    assert clone.start_at == campaign.start_at and not clone.approved_fingerprint


def test_broken_links_block_approval_unless_the_approver_says_why(
    owner, member, django_capture_on_commit_callbacks
):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Missing(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self.send_response(404)
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Missing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        owner.workspace.campaigns_need_approval = True
        owner.workspace.save()
        approver = member(Role.APPROVER, workspace=owner.workspace)
        campaign = CampaignFactory(workspace=owner.workspace)
        campaign.lists.add(MailingListFactory(workspace=owner.workspace))
        message_save(
            workspace=owner.workspace,
            message=campaign.message,
            body=f'<a href="http://127.0.0.1:{httpd.server_address[1]}/gone">x</a>',
        )

        with django_capture_on_commit_callbacks(execute=True):
            campaign_schedule(actor=owner, campaign=campaign)

        with pytest.raises(ValidationError, match="broken"):
            campaign_decide(actor=approver, campaign=campaign, approve=True)
        campaign = campaign_decide(
            actor=approver, campaign=campaign, approve=True, comment="The page goes live on Monday"
        )
    finally:
        httpd.shutdown()

    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.events.filter(
        action="approved", comment="The page goes live on Monday"
    ).exists()


def test_a_marketer_cannot_send(member, owner, campaign):
    marketer = member(Role.MARKETER, workspace=owner.workspace)

    with pytest.raises(PermissionDenied):
        campaign_schedule(actor=marketer, campaign=campaign)
