"""Devices a provider says are gone become invalid in bulk, with the provider's words, and stay so."""

import datetime as dt

from postroom.delivery.transports.base import DeviceAddress, Outgoing, ResultKind, SendResult
from postroom.push.models import Device
from postroom.push.services.devices import GoneToken, devices_invalidate, gone_tokens
from postroom.push.tests.conftest import push_send
from postroom.push.tests.factories import DeviceFactory
from postroom.push.tests.peers.fcm import ERRORS

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def sent(token: str, kind: ResultKind, response: str = "") -> tuple[Outgoing, SendResult]:
    message = Outgoing(1, "", token, b"{}", device=DeviceAddress(token))
    return message, SendResult(kind, 404, response)


def test_only_recipient_gone_answers_invalidate(workspace):
    answers = [
        sent("a", ResultKind.RECIPIENT_GONE, "404 UNREGISTERED"),
        sent("b", ResultKind.TEMPORARY),
        sent("c", ResultKind.PERMANENT),
        sent("d", ResultKind.DELIVERED),
    ]

    assert gone_tokens(kind="fcm", sent=answers) == [GoneToken("fcm", "a", "404 UNREGISTERED")]


def test_it_invalidates_the_workspaces_devices_only(workspace, other_owner):
    mine = DeviceFactory(workspace=workspace, token="t1")
    theirs = DeviceFactory(workspace=other_owner.workspace, token="t1")
    already = DeviceFactory(workspace=workspace, token="t2", is_valid=False, invalid_reason="old")

    changed = devices_invalidate(
        workspace_id=workspace.pk,
        gone=[GoneToken("fcm", "t1", "404 UNREGISTERED"), GoneToken("fcm", "t2", "410")],
        now=NOW,
    )

    assert changed == 1
    mine.refresh_from_db(), theirs.refresh_from_db(), already.refresh_from_db()
    assert (mine.is_valid, mine.invalid_reason, mine.invalidated_at) == (
        False,
        "404 UNREGISTERED",
        NOW,
    )
    assert theirs.is_valid is True
    assert already.invalid_reason == "old"


def test_an_fcm_unregistered_answer_ends_in_an_invalid_device(
    workspace, fcm, django_assert_max_num_queries
):
    devices = [DeviceFactory(workspace=workspace, token=f"tok-{n}") for n in range(5)]
    for device in devices[:3]:
        fcm.answer[device.token] = ERRORS["unregistered"]
    answers = []
    for device in devices:
        address = DeviceAddress(device.token)
        answers.append(
            (
                Outgoing(1, "", device.token, b"", device=address),
                push_send(workspace.pk, "fcm", address),
            )
        )

    with django_assert_max_num_queries(3):
        devices_invalidate(
            workspace_id=workspace.pk, gone=gone_tokens(kind="fcm", sent=answers), now=NOW
        )

    assert sorted(Device.objects.filter(is_valid=False).values_list("token", flat=True)) == [
        "tok-0",
        "tok-1",
        "tok-2",
    ]


def test_a_transport_invalidates_the_devices_it_found_gone_when_the_engine_flushes(workspace, apns):
    from postroom.delivery.transports.base import TransportContext, transport_open
    from postroom.push.providers.base import push_relay
    from postroom.push.tests.conftest import NOTE
    from postroom.push.tests.peers.apns import ERRORS as APNS_ERRORS

    gone, fine = (
        DeviceFactory(workspace=workspace, kind="apns", token=t * 32) for t in ("ab", "cd")
    )
    apns.answer[gone.token] = APNS_ERRORS["gone"]
    transport = transport_open(push_relay("apns", workspace.pk), TransportContext(workspace.pk, 5))
    for device in (gone, fine):
        transport.send(
            Outgoing(1, "", device.token, NOTE.encode(), device=DeviceAddress(device.token))
        )

    assert Device.objects.filter(is_valid=False).count() == 0  # nothing written before the flush
    transport.flush()
    transport.close()

    gone.refresh_from_db(), fine.refresh_from_db()
    assert (gone.is_valid, fine.is_valid) == (False, True)
    assert "Unregistered" in gone.invalid_reason
