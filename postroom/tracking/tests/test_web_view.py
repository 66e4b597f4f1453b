import pytest

from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = pytest.mark.django_db


def test_view_in_browser_shows_the_recipients_own_message(owner, smtp_server, client):
    _campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=2)
    link = paths(html_of(message_for(smtp_server, subscribers[1].email)), "w")[0]

    response = client.get(link)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hi Pat 1" in page and "/t/c/" in page
    assert "script-src 'none'" in response["Content-Security-Policy"]
    assert client.get(link[:-3] + "AA/").status_code == 404


def test_opening_the_web_view_again_is_served_from_the_cache(owner, smtp_server, client):
    from postroom.content.rendering import message_rendered

    _campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=1)
    link = paths(html_of(message_for(smtp_server, subscribers[0].email)), "w")[0]
    renders: list[object] = []

    def count(sender: object, **kwargs: object) -> None:
        renders.append(sender)

    message_rendered.connect(count)
    try:
        first = client.get(link)
        rendered_first = len(renders)
        second = client.get(link)
    finally:
        message_rendered.disconnect(count)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert rendered_first >= 1 and len(renders) == rendered_first


def test_a_web_view_that_cannot_render_is_a_clear_404(owner, smtp_server, client):
    from django.db.models import F

    from postroom.content.models import Message

    campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=1)
    link = paths(html_of(message_for(smtp_server, subscribers[0].email)), "w")[0]
    Message.objects.filter(pk=campaign.message_id).update(
        body="<p>{{ 'a'.zfill(1000000000) }}</p>", version=F("version") + 1
    )

    response = client.get(link)

    assert response.status_code == 404 and "cannot be shown" in response.content.decode()
