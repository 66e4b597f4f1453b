"""`relay_save` names the settings a user may change: the form's and the serializer's."""

import inspect

import pytest

from postroom.delivery.forms import RelayForm
from postroom.delivery.models import SmtpRelay
from postroom.delivery.serializers import RelaySerializer
from postroom.delivery.services.relays import FIELDS, relay_save

pytestmark = pytest.mark.django_db

SECRETS = {"password", "dkim_key", "mailbox_password"}


def test_it_takes_exactly_the_relay_settings_and_the_secrets():
    parameters = set(inspect.signature(relay_save).parameters) - {"actor", "relay"}

    assert parameters == set(FIELDS) | SECRETS


def test_it_takes_every_field_the_form_and_serializer_write():
    parameters = set(inspect.signature(relay_save).parameters)
    writable = {n for n, f in RelaySerializer().fields.items() if not f.read_only}

    assert set(RelayForm._meta.fields) <= parameters
    assert writable <= parameters


def test_it_changes_only_the_settings_given(owner):
    relay = relay_save(actor=owner, name="Main", host="127.0.0.1", port=2525, username="u")

    relay_save(actor=owner, relay=SmtpRelay.objects.get(pk=relay.pk), name="Renamed")

    relay.refresh_from_db()
    assert (relay.name, relay.host, relay.port, relay.username) == (
        "Renamed",
        "127.0.0.1",
        2525,
        "u",
    )
