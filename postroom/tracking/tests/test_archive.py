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
