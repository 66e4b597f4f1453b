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


@pytest.fixture
def renders():
    """How many times a message is rendered for a recipient, counted from the real signal."""
    from postroom.content.rendering import message_rendered

    counted: list[object] = []

    def count(sender: object, **kwargs: object) -> None:
        counted.append(sender)

    message_rendered.connect(count)
    yield counted
    message_rendered.disconnect(count)


def _archived(owner, smtp_server):
    campaign, _run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    mailing_list = campaign.lists.get()
    mailing_list.public_archive = True
    mailing_list.save()
    return campaign, f"/l/{mailing_list.public_id}/archive/{campaign.pk}/"


def test_an_archived_message_is_rendered_once_per_version(owner, smtp_server, client, renders):
    from postroom.content.services import message_save

    campaign, url = _archived(owner, smtp_server)
    renders.clear()

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content and len(renders) == 1

    message_save(
        workspace=owner.workspace, message=campaign.message, body="<p>Changed {{ 1 + 1 }}</p>"
    )
    renders.clear()
    changed = client.get(url)
    again = client.get(url)

    assert "Changed 2" in changed.content.decode() and again.content == changed.content
    assert len(renders) == 1


def test_an_archived_message_that_cannot_render_is_a_clear_404_and_not_retried(
    owner, smtp_server, client, renders
):
    from django.db.models import F

    from postroom.content.models import Message

    campaign, url = _archived(owner, smtp_server)
    # Saved before templates were checked for size: the sandbox stops it at render.
    Message.objects.filter(pk=campaign.message_id).update(
        body="<p>{{ 'a'.ljust(1000000000) }}</p>", version=F("version") + 1
    )
    renders.clear()

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code == 404
    assert "cannot be shown" in first.content.decode()
    assert len(renders) == 1


def test_while_a_page_is_being_rendered_other_visitors_are_asked_to_retry(
    owner, smtp_server, client, renders
):
    from django.core.cache import cache

    from postroom.content.rendering import message_revision
    from postroom.tracking.pagecache import page_key

    campaign, url = _archived(owner, smtp_server)
    key = page_key("archive", campaign.pk, campaign.name, message_revision(campaign.message))
    cache.add(f"{key}:rendering", 1, 30)  # another request is rendering it
    renders.clear()

    busy = client.get(url)
    cache.delete(f"{key}:rendering")
    done = client.get(url)

    assert busy.status_code == 503 and busy["Retry-After"] == "2"
    assert done.status_code == 200 and len(renders) == 1


def test_archived_subjects_are_cached_and_follow_a_changed_subject(owner, smtp_server, client):
    from django.core.cache import cache

    from postroom.content.models import Message
    from postroom.tracking.archive import archived_campaigns
    from postroom.tracking.pagecache import page_key

    # given an archive a visitor has opened once
    campaign, _run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    campaign.message.subject = "News for {{ subscriber.first_name }}"
    campaign.message.save()
    mailing_list = campaign.lists.get()
    mailing_list.public_archive = True
    mailing_list.save()
    archive = f"/l/{mailing_list.public_id}/archive/"
    first = client.get(archive).content
    campaigns = list(archived_campaigns(mailing_list))
    key = page_key("archive-subjects", [], [(c.pk, c.name, c.message.subject) for c in campaigns])

    # when the subject template changes
    Message.objects.filter(pk=campaign.message_id).update(subject="Other {{ 1 + 1 }}")
    changed = client.get(archive).content.decode()

    # then the first visit's subjects were kept for the next visitors, and a change shows at once
    assert cache.get(key) == {campaign.pk: "News for"}
    assert b"News for</a>" in first
    assert "Other 2</a>" in changed
