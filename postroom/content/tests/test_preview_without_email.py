"""A contact without email can be the recipient a preview or a test send is rendered as."""

import pytest

from postroom.audience.tests.factories import SubscriberFactory
from postroom.content.previews import preview_context

pytestmark = pytest.mark.django_db


def test_it_renders_for_a_contact_known_by_external_id_only(owner):
    contact = SubscriberFactory(
        workspace=owner.workspace, email=None, external_id="u1", full_name="Ann Ray"
    )

    context = preview_context(subscriber=contact, base_url="http://testserver")

    assert context["subscriber"]["email"] == ""
    assert context["subscriber"]["full_name"] == "Ann Ray"
