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
