"""Tracked messages: which links are rewritten, the pixel, and where a click leads."""

from urllib.parse import parse_qs, urlsplit

import pytest

from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.models import Delivery
from postroom.tracking.buffer import hits_flush
from postroom.tracking.models import Event, Link
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign, text_of
from postroom.tracking.tokens import CLICK, token_make

pytestmark = pytest.mark.django_db


def test_static_links_are_tracked_personal_ones_and_opt_outs_are_not(owner, smtp_server):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server)
    html = html_of(message_for(smtp_server, subscribers[0].email))

    urls = set(Link.objects.filter(campaign=campaign).values_list("url", flat=True))
    assert urls == {"https://shop.example.com/sale?x=1&y=2", "https://shop.example.com/about"}
    assert len(paths(html, "c")) == 2
    assert "https://blog.example.com/post" in html  # data-notrack
    assert "mailto:help@example.com" in html
    assert "shop.example.com/u?e=person0@example.com" in html  # personalized: as written
    assert "https://shop.example.com/sale" not in html and "shop.example.com/about" not in html
    assert len(paths(html, "o")) == 1  # the pixel
    assert len(paths(html, "w")) == 1  # view in browser
    text = text_of(message_for(smtp_server, subscribers[0].email))
    assert "/t/c/" in text and "shop.example.com/about" not in text


def test_a_click_redirects_to_the_link_with_utm_and_visitor_token(owner, smtp_server, client):
    _campaign, _run, subscribers = sent_campaign(owner, smtp_server, name="Spring Sale")
    html = html_of(message_for(smtp_server, subscribers[0].email))
    first = paths(html, "c")[0]

    response = client.get(first, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Firefox/130")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "shop.example.com", "/sale")
    query = parse_qs(target.query)
    assert query["x"] == ["1"] and query["y"] == ["2"]
    assert query["utm_source"] == ["postroom"] and query["utm_medium"] == ["email"]
    assert query["utm_campaign"] == ["spring-sale"]
    assert query["pr_v"][0]
    assert response["Cache-Control"].startswith("no-store")


def test_forged_click_tokens_are_refused(owner, smtp_server, client):
    campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    link = Link.objects.filter(campaign=campaign).first()
    delivery = Delivery.objects.get(run=run)
    other = CampaignFactory(workspace=owner.workspace)
    elsewhere = Link.objects.create(campaign=other, url="https://evil.example.net/", url_hash="x")
    good = token_make(CLICK, delivery.pk, link.pk)
    value, mac = good.rsplit(".", 1)

    assert client.get(f"/t/c/{good}/").status_code == 302
    assert client.get(f"/t/c/{value}.{'A' * len(mac)}/").status_code == 404
    swapped = f"{value.split('.')[0]}.{elsewhere.pk:x}.{mac}"
    assert client.get(f"/t/c/{swapped}/").status_code == 404
    assert client.get("/t/c/https%3A%2F%2Fevil.example.net/").status_code == 404


def test_a_signed_token_for_a_link_of_another_campaign_records_nothing(owner, smtp_server, client):
    """Only a token the sender made can name a link; even then the link must be the campaign's."""
    _campaign, run, _subscribers = sent_campaign(owner, smtp_server, count=1)
    delivery = Delivery.objects.get(run=run)
    other = CampaignFactory(workspace=owner.workspace)
    foreign = Link.objects.create(campaign=other, url="https://other.example.com/", url_hash="y")

    response = client.get(f"/t/c/{token_make(CLICK, delivery.pk, foreign.pk)}/")
    hits_flush()

    assert response.status_code == 302  # a URL the workspace itself sent: no open redirect
    assert not Event.objects.exists()


def test_links_with_the_campaigns_own_variables_are_tracked(owner, smtp_server):
    from postroom.content.tests.factories import MessageFactory
    from postroom.delivery.sending.engine import run_send
    from postroom.delivery.tests.factories import launched_run, relay_for

    relay_for(smtp_server, owner.workspace)
    message = MessageFactory(
        workspace=owner.workspace,
        body='<a href="https://shop.example.com/offer?c={{ campaign.id }}">Offer</a>',
    )
    campaign, run, subscribers = launched_run(owner.workspace, 2, message=message)
    run_send(run.pk)

    link = Link.objects.get(campaign=campaign)
    assert link.url == f"https://shop.example.com/offer?c={campaign.pk}"
    assert len(paths(html_of(message_for(smtp_server, subscribers[0].email)), "c")) == 1
