"""A lead left on the shop's own form, through the conversion snippet, reaches the CRM attributed."""

import time

import pytest

from postroom.crm.models import Channel, Lead
from postroom.crm.tests.factories import AdCampaignFactory
from postroom.delivery.models import Delivery
from postroom.delivery.tests.factories import launched_run
from postroom.tracking.tokens import VISITOR, token_make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
POSTROOM = "https://postroom.example"

SHOP = """<!doctype html><html><body>
<form id="contact"><input name="email" aria-label="Email"><button>Call me back</button></form>
<script src="{postroom}/t/snippet.js"></script>
<script>
document.getElementById("contact").addEventListener("submit", function (event) {{
  event.preventDefault();
  var sent = postroom.lead({{name: "Pat Doe", email: this.email.value, company: "Acme"}});
  document.body.dataset.sent = String(sent);
}});
</script></body></html>"""


def test_a_visitor_from_a_tracked_click_leaves_a_lead_on_the_shops_form(
    page, owner, live_server, settings
):
    # given a sent email campaign, its advertising campaign, and a shop whose page has
    # the snippet. Both sites are public names here: Chromium answers the shop itself,
    # and passes Postroom's requests on to the live server (a public page may not reach
    # a loopback address directly).
    settings.SITE_URL = POSTROOM
    campaign, run, subscribers = launched_run(owner.workspace, 1)
    ad = AdCampaignFactory(
        workspace=owner.workspace, channel=Channel.EMAIL, email_campaign=campaign
    )
    visitor = token_make(VISITOR, Delivery.objects.get(run=run).pk)
    page.route(
        "https://shop.example/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=SHOP.format(postroom=POSTROOM)
        ),
    )
    page.route(
        f"{POSTROOM}/**",
        lambda route: route.fulfill(
            response=route.fetch(url=route.request.url.replace(POSTROOM, live_server.url))
        ),
    )

    # when the visitor lands from the email's link and sends the shop's form
    page.goto(f"https://shop.example/offer?pr_v={visitor}")
    page.get_by_label("Email").fill("pat@example.com")
    page.get_by_role("button", name="Call me back").click()
    page.wait_for_function("document.body.dataset.sent === 'true'")

    # then the CRM has the lead, attributed to the click
    deadline = time.monotonic() + 10
    while not Lead.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    lead = Lead.objects.get()
    assert (lead.name, lead.email, lead.company) == ("Pat Doe", "pat@example.com", "Acme")
    assert (lead.email_campaign, lead.subscriber, lead.ad_campaign) == (
        campaign,
        subscribers[0],
        ad,
    )
