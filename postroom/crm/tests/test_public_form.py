"""The public lead form: embeddable, rate-limited, consent kept, protected without CSRF cookies."""

import re

import pytest
from django.test import Client

from postroom.crm.models import Lead
from postroom.crm.services import public
from postroom.crm.tests.factories import AdCampaignFactory
from postroom.delivery.models import Delivery
from postroom.delivery.tests.factories import launched_run
from postroom.tracking.tokens import VISITOR, token_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def ad(owner):
    return AdCampaignFactory(workspace=owner.workspace, consent_text="You may call me.")


def _fill(client, ad, query="", **fields):
    page = client.get(f"/f/{ad.form_id}/{query}")
    html = page.content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    body = {**hidden, "name": "Vi", "email": "vi@example.com", "consent": "on", **fields}
    return page, client.post(f"/f/{ad.form_id}/", body)


def test_a_visitor_leaves_a_lead_with_consent_and_utm(ad):
    client = Client(enforce_csrf_checks=True)  # as a cross-site iframe: no CSRF cookie

    page, response = _fill(client, ad, "?utm_source=news&utm_medium=email")

    assert "X-Frame-Options" not in page
    assert "You may call me." in page.content.decode()
    assert response.status_code == 200
    lead = Lead.objects.get()
    assert (lead.ad_campaign, lead.email, lead.utm_source) == (ad, "vi@example.com", "news")
    assert lead.consent_text == "You may call me." and lead.consent_at is not None
    assert lead.events.filter(kind="created").exists()


def test_without_consent_nothing_is_recorded(ad):
    _page, response = _fill(Client(), ad, consent="")

    assert response.status_code == 400
    assert not Lead.objects.exists()


def test_a_forged_or_missing_form_token_is_refused(ad):
    other = AdCampaignFactory(workspace=ad.workspace)
    foreign_token = public.form_token_make(ad_campaign=other)

    _page, forged = _fill(Client(), ad, token=foreign_token)
    missing = Client().post(
        f"/f/{ad.form_id}/", {"name": "X", "email": "x@example.com", "consent": "on"}
    )

    assert forged.status_code == 400 and missing.status_code == 400
    assert not Lead.objects.exists()


def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(ad):
    _page, response = _fill(Client(), ad, website="http://spam.example")

    assert response.status_code == 200
    assert not Lead.objects.exists()


def test_it_is_rate_limited_per_client_address(ad, monkeypatch):
    monkeypatch.setattr(public, "PER_ADDRESS_PER_HOUR", 2)
    client = Client(REMOTE_ADDR="198.51.100.7")

    codes = [_fill(client, ad, email=f"v{i}@example.com")[1].status_code for i in range(3)]
    elsewhere = _fill(Client(REMOTE_ADDR="198.51.100.8"), ad, email="w@example.com")[1]

    assert codes == [200, 200, 429]
    assert elsewhere.status_code == 200
    assert Lead.objects.count() == 3


def test_it_is_rate_limited_per_email(ad, monkeypatch):
    monkeypatch.setattr(public, "PER_EMAIL_PER_HOUR", 1)

    first = _fill(Client(REMOTE_ADDR="198.51.100.1"), ad)[1]
    again = _fill(Client(REMOTE_ADDR="198.51.100.2"), ad)[1]

    assert (first.status_code, again.status_code) == (200, 429)


def test_a_disabled_or_unknown_form_is_not_found(ad):
    ad.form_enabled = False
    ad.save()

    assert Client().get(f"/f/{ad.form_id}/").status_code == 404
    assert Client().get("/f/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_embed_script_frames_the_form_and_passes_the_visitor_token(ad):
    script = Client().get(f"/f/{ad.form_id}/embed.js")

    assert script["Content-Type"].startswith("text/javascript")
    body = script.content.decode()
    assert f"/f/{ad.form_id}/" in body and "pr_v" in body and "iframe" in body


def test_a_tracked_click_then_the_form_links_the_lead_to_the_email_campaign(ad, owner):
    campaign, run, subscribers = launched_run(owner.workspace, 1)
    ad.channel, ad.email_campaign = "email", campaign
    ad.save()
    visitor = token_make(VISITOR, Delivery.objects.get(run=run).pk)

    _page, response = _fill(Client(), ad, f"?pr_v={visitor}")

    lead = Lead.objects.get()
    assert response.status_code == 200
    assert lead.email_campaign == campaign and lead.subscriber == subscribers[0]


def test_duplicates_from_the_form_are_flagged(ad):
    _fill(Client(REMOTE_ADDR="198.51.100.3"), ad)
    _fill(Client(REMOTE_ADDR="198.51.100.4"), ad, email="VI@example.com")

    first, second = Lead.objects.order_by("id")
    assert second.duplicate_of == first
