"""A relay's cost per 1,000 messages: set on the form, the API and `relay_save`; carried to the engine."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from config.env import _cost
from postroom.delivery.models import SmtpRelay
from postroom.delivery.sending.engine import run_send
from postroom.delivery.services.relays import relay_save
from postroom.delivery.signals import DeliveriesRecorded, deliveries_recorded
from postroom.delivery.tests.factories import launched_run, relay_for
from postroom.delivery.transports.relays import SANDBOX, default_relay_config, relay_config

pytestmark = pytest.mark.django_db

RELAY = {"name": "Main", "host": "smtp.example.com", "port": 587, "tls": "starttls"}


def test_the_service_keeps_four_places_and_refuses_a_negative_cost(owner):
    relay = relay_save(
        actor=owner, name="Main", host="smtp.example.com", cost_per_1000=Decimal("0.123456")
    )
    assert SmtpRelay.objects.get(pk=relay.pk).cost_per_1000 == Decimal("0.1235")

    with pytest.raises(ValidationError) as refused:
        relay_save(actor=owner, relay=relay, cost_per_1000=Decimal("-1"))
    assert "cost_per_1000" in refused.value.message_dict

    relay_save(actor=owner, relay=SmtpRelay.objects.get(pk=relay.pk), cost_per_1000=None)
    assert SmtpRelay.objects.get(pk=relay.pk).cost_per_1000 is None


def test_the_api_sets_and_shows_the_cost(api, owner):
    client = api(owner.user)

    created = client.post("/api/v1/relays/", {**RELAY, "cost_per_1000": "0.85"}, format="json")
    refused = client.post("/api/v1/relays/", {**RELAY, "cost_per_1000": "-2"}, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["cost_per_1000"] == "0.8500"
    assert refused.status_code == 400
    assert "cost_per_1000" in refused.json()["error"]["fields"]


def test_the_form_shows_and_saves_the_cost(login, owner):
    client = login(owner.user)
    page = client.get("/app/settings/relays/new/").content.decode()
    assert 'name="cost_per_1000"' in page and "Cost per 1,000 messages" in page

    response = client.post(
        "/app/settings/relays/new/",
        {**RELAY, "max_connections": 2, "cost_per_1000": "1.5", "is_active": "on"},
    )

    assert response.status_code == 302
    assert SmtpRelay.objects.get(workspace=owner.workspace).cost_per_1000 == Decimal("1.5")


def test_the_relay_config_carries_the_cost_and_the_sandbox_has_none(owner, settings):
    relay = relay_save(actor=owner, name="M", host="smtp.example.com", cost_per_1000=Decimal("2"))
    settings.DELIVERY_DEFAULT_RELAY_COST_PER_1000 = Decimal("0.7")

    assert relay_config(relay).cost_per_1000 == Decimal("2")
    assert default_relay_config("smtp://mail.example.com:25").cost_per_1000 == Decimal("0.7")
    assert default_relay_config("sandbox://").cost_per_1000 is None
    assert SANDBOX.cost_per_1000 is None


@pytest.mark.parametrize(
    ("text", "cost"),
    [
        ("", None),
        ("  ", None),
        ("0", Decimal("0")),
        ("0.85", Decimal("0.85")),
        ("1.23456", Decimal("1.2346")),
    ],
)
def test_the_default_relay_cost_setting_is_read_as_a_decimal(text, cost):
    assert _cost("X", text) == cost


@pytest.mark.parametrize("text", ["abc", "-1", "1e9", "nan"])
def test_a_malformed_default_relay_cost_stops_the_start(text):
    with pytest.raises(ImproperlyConfigured):
        _cost("X", text)


def test_the_engine_announces_the_relay_cost_with_the_results(owner, smtp_server):
    relay_for(smtp_server, owner.workspace, cost_per_1000=Decimal("3.25"))
    _campaign, run, _people = launched_run(owner.workspace, 4)
    records: list[DeliveriesRecorded] = []

    def keep(sender, record, **kwargs):
        records.append(record)

    deliveries_recorded.connect(keep, dispatch_uid="test-relay-cost")
    try:
        run_send(run.pk)
    finally:
        deliveries_recorded.disconnect(dispatch_uid="test-relay-cost")

    assert sum(r.sent for r in records) == 4
    assert {r.cost_per_1000 for r in records} == {Decimal("3.25")}
