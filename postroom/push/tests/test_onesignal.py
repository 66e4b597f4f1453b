"""OneSignal: a notification per subscription id, its id kept, and its outcomes polled back."""

import datetime as dt

from postroom.delivery.transports.base import DeviceAddress, ResultKind
from postroom.push.models import ProviderMessage
from postroom.push.providers.outcomes import PushOutcome, onesignal_outcomes_poll
from postroom.push.signals import push_outcomes_polled
from postroom.push.tests.conftest import push_send
from postroom.push.tests.peers.server import Answer

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def test_it_creates_a_notification_for_the_subscription_and_keeps_its_id(workspace, onesignal):
    sub = onesignal.subscribe()

    result = push_send(workspace.pk, "onesignal", DeviceAddress(sub))

    assert result.kind == ResultKind.DELIVERED
    (kept,) = ProviderMessage.objects.filter(workspace=workspace)
    assert kept.message_id in onesignal.notifications
    assert (kept.delivery_id, kept.recipient, kept.done) == (42, sub, False)
    assert onesignal.notifications[kept.message_id]["headings"] == {"en": "Spring sale"}


def test_a_subscription_onesignal_does_not_know_is_gone(workspace, onesignal):
    result = push_send(
        workspace.pk, "onesignal", DeviceAddress("5a7e0000-dead-4000-8000-000000000000")
    )

    assert result.kind == ResultKind.RECIPIENT_GONE
    assert "invalid_player_ids" in result.response
    assert not ProviderMessage.objects.exists()


def test_a_rate_limited_create_waits_for_the_retry_after(workspace, onesignal):
    sub = onesignal.subscribe()
    onesignal.answer[sub] = Answer(
        429, b'{"errors": ["API rate limit exceeded"]}', {"retry-after": "15"}
    )

    result = push_send(workspace.pk, "onesignal", DeviceAddress(sub))

    assert (result.kind, result.retry_after) == (ResultKind.TEMPORARY, 15.0)


def test_it_polls_outcomes_until_they_are_final(workspace, onesignal):
    # given two notifications: one delivered and clicked, one failed
    subs = [onesignal.subscribe(), onesignal.subscribe()]
    for sub in subs:
        push_send(workspace.pk, "onesignal", DeviceAddress(sub))
    clicked, failed = (ProviderMessage.objects.get(recipient=s).message_id for s in subs)
    received: list[PushOutcome] = []

    def collect(sender, workspace_id, outcomes, **kwargs):
        received.extend(outcomes)

    push_outcomes_polled.connect(collect)
    try:
        # when the first poll finds nothing final, and the second finds both done
        first = onesignal_outcomes_poll(workspace_id=workspace.pk, now=NOW)
        onesignal.complete(clicked)
        onesignal.click(clicked)
        onesignal.complete(failed, failed=True)
        second = onesignal_outcomes_poll(workspace_id=workspace.pk, now=NOW)
        third = onesignal_outcomes_poll(workspace_id=workspace.pk, now=NOW)
    finally:
        push_outcomes_polled.disconnect(collect)

    # then
    assert [o.final for o in first] == [False, False]
    by_id = {o.message_id: o for o in second}
    assert (by_id[clicked].delivered, by_id[clicked].clicked, by_id[clicked].failed) == (
        True,
        True,
        False,
    )
    assert (by_id[failed].delivered, by_id[failed].failed) == (False, True)
    assert third == []  # final ones are not asked again
    assert received == first + second
    assert all(o.delivery_id == 42 for o in second)


def test_the_periodic_tick_polls_each_workspace_with_pending_notifications(workspace, onesignal):
    from postroom.push.tasks import onesignal_outcomes_tick

    sub = onesignal.subscribe()
    push_send(workspace.pk, "onesignal", DeviceAddress(sub))
    onesignal.complete(ProviderMessage.objects.get().message_id)

    onesignal_outcomes_tick.call_local()

    assert ProviderMessage.objects.get().done is True
