"""In Chromium: our pages work under their Content-Security-Policy, tenant mail pages stay inert."""

import pytest

from postroom.audience.tests.factories import SegmentFactory, SubscriberFactory
from postroom.campaigns.tests.factories import CampaignFactory
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _violations(page):
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def test_the_app_pages_run_their_scripts_under_the_policy(page, owner):
    campaign = CampaignFactory(workspace=owner.workspace)
    segment = SegmentFactory(workspace=owner.workspace)
    SubscriberFactory(workspace=owner.workspace)
    violations = _violations(page)
    log_in(page, owner.user.email)

    for path in (
        "/app/",
        f"/app/campaigns/{campaign.pk}/report/",
        f"/app/segments/{segment.pk}/",
        "/app/subscribers/",
        "/api/v1/docs/",
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")

    assert violations == []
    # the select-all checkbox and the confirm dialog work without inline script
    page.goto("/app/subscribers/")
    page.check("input[data-check-all]")
    assert page.is_checked("input[name=selected]")
    dialogs: list[str] = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.click("button[data-confirm]")
    assert dialogs and page.url.endswith("/app/subscribers/")


def test_an_archived_message_cannot_redirect_or_post_a_form(page, owner, live_server):
    from django.utils import timezone

    from postroom.audience.tests.factories import MailingListFactory
    from postroom.campaigns.models import CampaignRun, RunStatus
    from postroom.content.tests.factories import MessageFactory

    mailing_list = MailingListFactory(workspace=owner.workspace, public_archive=True)
    message = MessageFactory(
        workspace=owner.workspace,
        body=(
            f'<meta http-equiv="refresh" content="1;url={live_server.url}/accounts/login/?phished">'
            f'<form id="steal" action="{live_server.url}/accounts/login/" method="get">'
            '<input type="password" name="password" value="secret"></form><p id="body">Hello</p>'
        ),
    )
    campaign = CampaignFactory(workspace=owner.workspace, message=message)
    campaign.lists.add(mailing_list)
    CampaignRun.objects.create(
        campaign=campaign, scheduled_for=timezone.now(), status=RunStatus.FINISHED
    )
    archived = f"/l/{mailing_list.public_id}/archive/{campaign.pk}/"

    page.goto(archived)
    page.wait_for_timeout(2500)  # past the refresh's second

    assert page.url == live_server.url + archived
    assert page.text_content("#body") == "Hello"
    assert page.locator("form, input").count() == 0
