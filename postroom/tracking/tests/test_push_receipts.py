"""OneSignal's polled outcomes become events of their deliveries, once however often polled."""

import datetime as dt
from collections.abc import Iterator

import pytest

from postroom.delivery.transports.base import DeviceAddress
from postroom.push.models import ProviderMessage
from postroom.push.providers.base import http_clients_close
from postroom.push.providers.outcomes import PushOutcome, onesignal_outcomes_poll
from postroom.push.services.providers import provider_save
from postroom.push.signals import push_outcomes_polled
from postroom.push.tests.conftest import push_send
from postroom.push.tests.peers.onesignal import FakeOneSignal
from postroom.tracking.models import Event, EventKind
from postroom.tracking.push_receipts import receipt_hits
from postroom.tracking.tests.pushrows import devices, push_run

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)


def outcome(delivery_id, *, delivered=False, failed=False, clicked=False) -> PushOutcome:
    return PushOutcome(delivery_id, "m", "r", delivered, failed, clicked, final=True)


def test_each_figure_is_one_event_and_a_tapped_notification_was_delivered():
    hits = receipt_hits(
        [
            outcome(1, delivered=True),
            outcome(2, failed=True),
            outcome(3, clicked=True),
            outcome(4, delivered=True, clicked=True),
            outcome(5, delivered=True),
            outcome(None, delivered=True),
        ],
        mine={1, 2, 3, 4},
        clicked={4},
        at=0.0,
    )
    assert [(h["d"], h["k"]) for h in hits] == [
        (1, "received"),
        (2, "failed"),
        (3, "received"),
        (3, "click"),
        (4, "received"),  # its click came through the redirect already
    ]
    assert len({h["u"] for h in hits}) == len(hits)


@pytest.fixture
def onesignal(owner, settings) -> Iterator[FakeOneSignal]:
    fake = FakeOneSignal()
    settings.PUSH_ONESIGNAL_URL = fake.server.url
    provider_save(
        workspace=owner.workspace,
        provider=None,
        kind="onesignal",
        secret=fake.rest_key,
        fields={"onesignal_app_id": fake.app_id},
    )
    yield fake
    http_clients_close()
    fake.stop()


def test_polled_outcomes_become_events_once(owner, other_owner, onesignal):
    # given a push campaign to three OneSignal subscriptions, each notification taken
    subs = [onesignal.subscribe() for _ in range(3)]
    phones = devices(owner.workspace, *[("onesignal", "ios")] * 3)
    _campaign, run, deliveries = push_run(owner.workspace, phones)
    for sub, delivery in zip(subs, deliveries, strict=True):
        push_send(owner.workspace.pk, "onesignal", DeviceAddress(sub))
        ProviderMessage.objects.filter(recipient=sub).update(delivery_id=delivery.pk)
    ids = [ProviderMessage.objects.get(recipient=s).message_id for s in subs]

    # when one is delivered (polled twice meanwhile), one delivered and tapped, one failed
    onesignal_outcomes_poll(workspace_id=owner.workspace.pk, now=NOW)
    onesignal.notifications[ids[0]]["received"] = 1
    onesignal_outcomes_poll(workspace_id=owner.workspace.pk, now=NOW)
    onesignal.complete(ids[0])
    onesignal.complete(ids[1])
    onesignal.click(ids[1])
    onesignal.complete(ids[2], failed=True)
    final = onesignal_outcomes_poll(workspace_id=owner.workspace.pk, now=NOW)
    # and the same figures are announced again, and another workspace's poll names ours
    push_outcomes_polled.send(ProviderMessage, workspace_id=owner.workspace.pk, outcomes=final)
    forged = [outcome(deliveries[2].pk, delivered=True, clicked=True)]
    push_outcomes_polled.send(
        ProviderMessage, workspace_id=other_owner.workspace.pk, outcomes=forged
    )

    # then
    events = sorted(Event.objects.values_list("delivery_id", "kind", "run_id"))
    assert events == sorted(
        [
            (deliveries[0].pk, EventKind.RECEIVED, run.pk),
            (deliveries[1].pk, EventKind.RECEIVED, run.pk),
            (deliveries[1].pk, EventKind.CLICK, run.pk),
            (deliveries[2].pk, EventKind.FAILED, run.pk),
        ]
    )
    assert set(Event.objects.values_list("workspace_id", flat=True)) == {owner.workspace.pk}
