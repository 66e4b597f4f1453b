"""A contact's address at the workspace's webhook gateway (SMS, chat) is a device a push campaign reaches."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.push.models import Device, DeviceKind
from postroom.push.services.keys import registration_key_create
from postroom.push.tests.campaigns import push_campaign
from postroom.push.tests.factories import DeviceFactory
from postroom.push.tests.peers.server import Answer

pytestmark = pytest.mark.django_db
URL = "/api/v1/push/devices/register/"


def test_a_push_campaign_posts_to_the_gateway_for_each_address(workspace, gateway):
    _campaign, run, people = push_campaign(workspace, 2)
    for person, number in zip(people, ("+15550100", "+15550101"), strict=True):
        DeviceFactory(workspace=workspace, subscriber=person, kind=DeviceKind.WEBHOOK, token=number)

    assert run_launch(run.pk) == 2
    report = run_send(run.pk)

    assert report.sent == 2 and gateway.refused == 0
    posted = sorted(gateway.accepted, key=lambda body: body["recipient"])
    assert [body["recipient"] for body in posted] == ["+15550100", "+15550101"]
    assert posted[0]["notification"]["title"] == "Hello Pat"
    assert "/t/c/" in posted[0]["notification"]["url"]
    statuses = set(Delivery.objects.filter(run=run).values_list("status", flat=True))
    assert statuses == {DeliveryStatus.SENT}


def test_a_number_the_gateway_says_is_gone_is_never_sent_to_again(workspace, gateway):
    _campaign, run, people = push_campaign(workspace, 1)
    device = DeviceFactory(
        workspace=workspace, subscriber=people[0], kind=DeviceKind.WEBHOOK, token="+15550100"
    )
    gateway.answer = Answer(410, b"number disconnected")

    run_launch(run.pk)
    run_send(run.pk)

    device.refresh_from_db()
    assert not device.is_valid and "410" in device.invalid_reason


def test_only_the_customers_server_registers_a_gateway_address(workspace, owner, api):
    raw = registration_key_create(workspace=workspace, name="web")[1]
    keyed = APIClient()
    keyed.credentials(HTTP_AUTHORIZATION=f"Key {raw}")
    body = {"kind": "webhook", "token": "+15550100"}

    with translation.override("en"):
        refused = keyed.post(URL, body, format="json")
    served = api(owner.user, owner.workspace).post(
        URL, body | {"external_id": "user-42"}, format="json"
    )

    assert refused.status_code == 400
    assert "from your server" in refused.json()["error"]["fields"]["kind"][0]
    assert served.status_code == 201
    assert Device.objects.get().subscriber.external_id == "user-42"
