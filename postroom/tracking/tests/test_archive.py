import pytest

from postroom.tracking.tests.helpers import sent_campaign

pytestmark = pytest.mark.django_db


def test_a_lists_public_archive_shows_what_it_was_sent_without_personal_data(
    owner, smtp_server, client
):
    campaign, _run, _subscribers = sent_campaign(owner, smtp_server, count=2)
    mailing_list = campaign.lists.get()
    archive = f"/l/{mailing_list.public_id}/archive/"
    assert client.get(archive).status_code == 404  # off by default

    mailing_list.public_archive = True
    mailing_list.save()
    page = client.get(archive).content.decode()
    assert "Hello" in page
    message = client.get(f"{archive}{campaign.pk}/")
    html = message.content.decode()
    assert message.status_code == 200 and "Hi " in html and "Pat" not in html
    assert "script-src 'none'" in message["Content-Security-Policy"]


def test_campaigns_of_other_lists_are_not_in_the_archive(owner, smtp_server, client):
    from postroom.audience.tests.factories import MailingListFactory

    campaign, _run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    other = MailingListFactory(workspace=owner.workspace, public_archive=True)
    assert client.get(f"/l/{other.public_id}/archive/{campaign.pk}/").status_code == 404


def test_the_archive_shows_subjects_rendered_for_nobody_in_particular(owner, smtp_server, client):
    # given a sent campaign whose subject is personalized
    campaign, _run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    campaign.message.subject = "December news for {{ subscriber.first_name }}"
    campaign.message.save()
    mailing_list = campaign.lists.get()
    mailing_list.public_archive = True
    mailing_list.save()
    archive = f"/l/{mailing_list.public_id}/archive/"

    # when a visitor opens the archive
    page = client.get(archive).content.decode()

    # then the template is rendered, not shown
    assert "December news for</a>" in page
    assert "{{" not in page


def test_a_subject_that_no_longer_renders_shows_the_campaigns_name(owner, smtp_server, client):
    campaign, _run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    campaign.message.subject = '{% include "deleted-block" %}'
    campaign.message.save()
    mailing_list = campaign.lists.get()
    mailing_list.public_archive = True
    mailing_list.save()

    page = client.get(f"/l/{mailing_list.public_id}/archive/").content.decode()

    assert f">{campaign.name}</a>" in page
    assert "{%" not in page
