"""Segment conditions on having an email or an external id, and existing conditions on contacts without email."""

import pytest

from postroom.audience.models import Subscriber
from postroom.audience.segments import segment_q
from postroom.audience.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(owner):
    ws = owner.workspace
    return {
        "mail": SubscriberFactory(workspace=ws, email="ann@example.com", external_id=None),
        "both": SubscriberFactory(workspace=ws, email="bob@example.org", external_id="U-2"),
        "push": SubscriberFactory(workspace=ws, email=None, external_id="u-3"),
    }


def matching(owner, contacts, *conditions, match="all"):
    q = segment_q({"match": match, "conditions": list(conditions)}, workspace_id=owner.workspace.pk)
    found = set(Subscriber.objects.filter(workspace=owner.workspace).filter(q))
    return {name for name, s in contacts.items() if s in found}


def field(name, op, value=None):
    return {"type": "field", "field": name, "op": op, "value": value}


def test_has_email_and_has_external_id(owner, contacts):
    assert matching(owner, contacts, field("email", "is_not_empty")) == {"mail", "both"}
    assert matching(owner, contacts, field("email", "is_empty")) == {"push"}
    assert matching(owner, contacts, field("external_id", "is_not_empty")) == {"both", "push"}
    assert matching(owner, contacts, field("external_id", "is_empty")) == {"mail"}


def test_external_id_equals_is_exact(owner, contacts):
    assert matching(owner, contacts, field("external_id", "eq", "U-2")) == {"both"}
    assert matching(owner, contacts, field("external_id", "eq", "u-2")) == set()
    assert matching(owner, contacts, field("external_id", "neq", "U-2")) == {"mail", "push"}
    assert matching(owner, contacts, field("external_id", "in", ["u-3", "U-2"])) == {
        "both",
        "push",
    }


def test_negated_email_conditions_keep_contacts_without_email(owner, contacts):
    # "email is not ann@…" and "domain is not example.com" hold for someone without an address
    assert matching(owner, contacts, field("email", "neq", "ann@example.com")) == {"both", "push"}
    assert matching(owner, contacts, field("domain", "neq", "example.com")) == {"both", "push"}
    assert matching(owner, contacts, field("email", "contains", "example")) == {"mail", "both"}
    assert matching(owner, contacts, field("email", "not_contains", "ann")) == {"both", "push"}


def test_the_builder_offers_the_external_id(login, owner):
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        page = login(owner.user).get(reverse("segment_create")).content.decode()

    assert "External id" in page
