"""Pages for subscribers belong to the sender: no Postroom navigation, log-in or sign-up."""

import pytest
from django.urls import reverse

from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory
from postroom.audience.tokens import preferences_token_make, unsubscribe_token_make

pytestmark = pytest.mark.django_db


def _subscriber_pages(owner) -> list[str]:
    the_list = MailingListFactory(workspace=owner.workspace, is_public=True, public_archive=True)
    ann = SubscriberFactory(workspace=owner.workspace)
    subscription_set(subscriber=ann, mailing_list=the_list, status="subscribed", source="admin")
    return [
        reverse("public_list", args=[the_list.public_id]),
        reverse("public_confirm", args=["forged-token"]),
        reverse("public_preferences", args=[preferences_token_make(subscriber_id=ann.pk)]),
        reverse(
            "public_unsubscribe",
            args=[unsubscribe_token_make(subscriber_id=ann.pk, list_id=the_list.pk)],
        ),
        reverse("list_archive", args=[the_list.public_id]),
        reverse("tracking_click", args=["forged-token"]),
    ]


@pytest.mark.parametrize("signed_in", [False, True])
def test_subscriber_pages_carry_no_log_in_sign_up_or_app_navigation(client, owner, signed_in):
    if signed_in:
        client.force_login(owner.user)

    for url in _subscriber_pages(owner):
        html = client.get(url).content.decode()
        assert "<main" in html, url
        assert reverse("account_login") not in html, url
        assert reverse("account_signup") not in html, url
        assert reverse("dashboard") not in html and "workspace-switcher" not in html, url


def test_postroom_pages_keep_their_bar(client):
    html = client.get(reverse("blog_list")).content.decode()

    assert reverse("account_login") in html and reverse("account_signup") in html
