"""A push campaign end to end: launch one delivery per valid device, pre-send checks, the fake providers."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone

from postroom.audience.models import Subscriber, Suppression
from postroom.campaigns.models import CampaignStatus, RunStatus
from postroom.delivery.models import Delivery, DeliveryAttempt, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.experiments.models import Experiment, Variant
from postroom.push.models import Device, DeviceKind
from postroom.push.services.devices import token_hash
from postroom.push.tests.campaigns import push_campaign
from postroom.push.tests.factories import DeviceFactory
from postroom.push.tests.peers.fcm import ERRORS

pytestmark = pytest.mark.django_db(transaction=False)


def web_device(subscriber, webpush, **fields):
    sub = webpush.subscribe()
    device = DeviceFactory(
        workspace=subscriber.workspace,
        subscriber=subscriber,
        kind=DeviceKind.WEBPUSH,
        token=sub.endpoint,
        token_hash=token_hash(sub.endpoint),
        p256dh=sub.p256dh,
        auth=sub.auth,
        platform="web",
        **fields,
    )
    return device, sub


def device(subscriber, kind=DeviceKind.FCM, **fields):
    return DeviceFactory(workspace=subscriber.workspace, subscriber=subscriber, kind=kind, **fields)


def test_each_valid_device_gets_one_notification_through_its_provider(
    workspace, webpush, fcm, apns
):
    campaign, run, people = push_campaign(workspace, 4)
    browser, sub = web_device(people[0], webpush)
    phone = device(people[0], DeviceKind.FCM, token="fcm-a")
    iphone = device(people[1], DeviceKind.APNS, token="a" * 64)
    device(people[2], DeviceKind.FCM, token="fcm-dead", is_valid=False)
    # people[3] has no device: not in a push audience

    assert run_launch(run.pk) == 3
    rows = Delivery.objects.filter(run=run)
    assert set(rows.values_list("device_id", flat=True)) == {browser.pk, phone.pk, iphone.pk}
    assert set(rows.values_list("email", flat=True)) == {""}

    report = run_send(run.pk)

    assert report.sent == 3
    ((sub_id, payload, _headers),) = webpush.delivered
    assert sub_id == sub.id
    assert payload["title"] == "Hello Pat" and payload["body"] == "Your order has shipped."
    assert payload["data"] == {"order": 7}
    # the delivery's own tracking URLs: the tap through the click redirect, the receipt
    assert "/t/c/" in payload["url"] and "/t/r/" in payload["received"]
    assert payload["received"].startswith("http") and payload["received"] != payload["url"]
    fcm_data = fcm.sent[0]["data"]
    assert fcm_data["url"].startswith("http") and fcm_data["received"].startswith("http")
    assert [m["token"] for m in fcm.sent] == ["fcm-a"]
    assert [device for device, _body, _headers in apns.sent] == ["a" * 64]
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    attempts = DeliveryAttempt.objects.filter(delivery__run=run)
    assert sorted(attempts.values_list("relay", flat=True)) == ["apns", "fcm", "webpush"]
    run.refresh_from_db()
    campaign.refresh_from_db()
    assert run.status == RunStatus.FINISHED and run.recipients == 3
    assert campaign.status == CampaignStatus.FINISHED


def test_push_only_contacts_are_in_the_push_audience(workspace, fcm):
    _campaign, run, people = push_campaign(workspace, 1)
    Subscriber.objects.filter(pk=people[0].pk).update(email=None, external_id="app-1")
    device(people[0], token="fcm-only")

    assert run_launch(run.pk) == 1
    run_send(run.pk)

    assert [m["token"] for m in fcm.sent] == ["fcm-only"]


def test_a_device_made_invalid_or_moved_after_launch_is_not_sent(workspace, fcm):
    _campaign, run, people = push_campaign(workspace, 3)
    gone = device(people[0], token="fcm-gone")
    moved = device(people[1], token="fcm-moved")
    device(people[2], token="fcm-ok")
    run_launch(run.pk)
    Device.objects.filter(pk=gone.pk).update(is_valid=False, invalid_reason="410")
    Device.objects.filter(pk=moved.pk).update(subscriber=people[2])

    report = run_send(run.pk)

    assert [m["token"] for m in fcm.sent] == ["fcm-ok"]
    assert report.sent == 1 and report.skipped == 2
    skipped = Delivery.objects.filter(run=run, status=DeliveryStatus.SKIPPED)
    assert set(skipped.values_list("device_id", flat=True)) == {gone.pk, moved.pk}
    assert not DeliveryAttempt.objects.filter(delivery__in=skipped).exists()


def test_an_unsubscribed_person_is_not_sent(workspace, fcm):
    from postroom.audience.models import Subscription, SubscriptionStatus

    _campaign, run, people = push_campaign(workspace, 2)
    device(people[0], token="fcm-left")
    device(people[1], token="fcm-stays")
    run_launch(run.pk)
    Subscription.objects.filter(subscriber=people[0]).update(status=SubscriptionStatus.UNSUBSCRIBED)

    run_send(run.pk)

    assert [m["token"] for m in fcm.sent] == ["fcm-stays"]


@time_machine.travel(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC), tick=False)
def test_quiet_hours_are_the_devices_own_zone_else_the_subscribers(workspace, fcm):
    # 09:00-18:00: noon in UTC is inside; in Tokyo (21:00) outside.
    _campaign, run, people = push_campaign(
        workspace, 3, window_start=dt.time(9), window_end=dt.time(18)
    )
    Subscriber.objects.filter(pk=people[2].pk).update(time_zone="Asia/Tokyo")
    device(people[0], token="fcm-utc", time_zone="UTC")
    tokyo = device(people[1], token="fcm-tokyo", time_zone="Asia/Tokyo")
    person_in_tokyo = device(people[2], token="fcm-person-tokyo")  # no zone of its own
    run_launch(run.pk)
    later = dt.datetime(2026, 12, 4, 0, 0, tzinfo=dt.UTC)  # 09:00 in Tokyo
    starts = dict(Delivery.objects.filter(run=run).values_list("device_id", "next_attempt_at"))
    assert starts[tokyo.pk] == later and starts[person_in_tokyo.pk] == later

    run_send(run.pk)

    assert [m["token"] for m in fcm.sent] == ["fcm-utc"]


@time_machine.travel(dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_device_outside_its_window_at_send_time_waits_without_an_attempt(workspace, fcm):
    _campaign, run, people = push_campaign(
        workspace, 1, window_start=dt.time(9), window_end=dt.time(18)
    )
    phone = device(people[0], token="fcm-moved-east")
    run_launch(run.pk)
    Device.objects.filter(pk=phone.pk).update(time_zone="Asia/Tokyo")  # travelled since

    report = run_send(run.pk)

    assert fcm.sent == [] and report.released == 1
    delivery = Delivery.objects.get(run=run)
    assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == 0
    assert delivery.next_attempt_at == dt.datetime(2026, 12, 4, 0, 0, tzinfo=dt.UTC)


def test_an_unregistered_token_invalidates_the_device_and_suppresses_nothing(workspace, fcm):
    _campaign, run, people = push_campaign(workspace, 2)
    dead = device(people[0], token="fcm-unregistered")
    device(people[1], token="fcm-fine")
    fcm.answer["fcm-unregistered"] = ERRORS["unregistered"]
    run_launch(run.pk)

    run_send(run.pk)

    dead.refresh_from_db()
    assert dead.is_valid is False and "UNREGISTERED" in dead.invalid_reason
    delivery = Delivery.objects.get(run=run, device_id=dead.pk)
    assert delivery.status == DeliveryStatus.FAILED
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.smtp_code == 404 and "UNREGISTERED" in attempt.response
    assert not Suppression.objects.filter(workspace=workspace).exists()
    # never sent to again: the next run does not include it
    _c2, run2, _ = push_campaign(workspace, 0)
    run2.campaign.lists.set(_campaign.lists.all())
    assert run_launch(run2.pk) == 1


def test_a_deferred_device_is_sent_once_on_retry_and_the_others_not_again(workspace, fcm):
    _campaign, run, people = push_campaign(workspace, 2)
    busy = device(people[0], token="fcm-busy")
    device(people[1], token="fcm-first-time")
    fcm.answer["fcm-busy"] = ERRORS["quota"]
    run_launch(run.pk)
    run_send(run.pk)
    assert Delivery.objects.get(run=run, device_id=busy.pk).status == DeliveryStatus.DEFERRED
    del fcm.answer["fcm-busy"]

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)):
        run_send(run.pk)

    tokens = [m["token"] for m in fcm.sent]
    assert sorted(tokens) == ["fcm-busy", "fcm-first-time"]
    delivery = Delivery.objects.get(run=run, device_id=busy.pk)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert run_launch(run.pk) == 0  # launched once


def test_an_experiment_gives_every_device_of_a_person_the_same_variant(workspace, fcm):
    campaign, run, people = push_campaign(workspace, 40)
    for person in people:
        for n in range(3):
            device(person, token=f"fcm-{person.pk}-{n}")
    experiment = Experiment.objects.create(campaign=campaign, test_percent=100)
    Variant.objects.create(experiment=experiment, number=1, subject="Variant one")
    Variant.objects.create(experiment=experiment, number=2, subject="Variant two")

    assert run_launch(run.pk) == 120
    per_person = (
        Delivery.objects.filter(run=run)
        .values("subscriber_id")
        .annotate(variants=Count("variant", distinct=True), n=Count("id"))
    )
    assert {(row["variants"], row["n"]) for row in per_person} == {(1, 3)}
    assert set(Delivery.objects.filter(run=run).values_list("variant", flat=True)) == {1, 2}

    run_send(run.pk)

    by_variant = dict(Delivery.objects.filter(run=run).values_list("device_id", "variant"))
    tokens = {d.token: d.pk for d in Device.objects.filter(workspace=workspace)}
    titles = {1: "Variant one", 2: "Variant two"}
    for sent in fcm.sent:
        variant = by_variant[tokens[sent["token"]]]
        assert variant is not None and sent["notification"]["title"] == titles[variant]
    assert len(fcm.sent) == 120


def test_a_person_who_left_the_segment_or_joined_the_exclusion_since_launch_is_not_sent(
    workspace, fcm
):
    from postroom.audience.tests.factories import SegmentFactory

    def field_is(name, value):
        return {"conditions": [{"type": "field", "field": name, "op": "eq", "value": value}]}

    english = SegmentFactory(workspace=workspace, definition=field_is("language", "en"))
    staff = SegmentFactory(workspace=workspace, definition=field_is("comment", "staff"))
    campaign, run, people = push_campaign(workspace, 3)
    campaign.segment, campaign.exclude_segment = english, staff
    campaign.save()
    for n, person in enumerate(people):
        Subscriber.objects.filter(pk=person.pk).update(language="en", comment="")
        device(person, token=f"fcm-{n}")
    assert run_launch(run.pk) == 3
    Subscriber.objects.filter(pk=people[0].pk).update(language="de")
    Subscriber.objects.filter(pk=people[1].pk).update(comment="staff")

    report = run_send(run.pk)

    assert [m["token"] for m in fcm.sent] == ["fcm-2"]
    assert report.sent == 1 and report.skipped == 2
    skipped = Delivery.objects.filter(run=run, status=DeliveryStatus.SKIPPED)
    assert set(skipped.values_list("last_response", flat=True)) == {
        "no longer in the campaign's segment"
    }


def test_a_segment_over_this_campaigns_own_sends_keeps_a_persons_other_devices(workspace, fcm):
    # "Not received this campaign": true at launch, false once the person's first device is sent.
    from postroom.audience.tests.factories import SegmentFactory

    campaign, run, people = push_campaign(workspace, 1)
    campaign.segment = SegmentFactory(
        workspace=workspace,
        definition={
            "conditions": [{"type": "campaign", "campaign": campaign.pk, "op": "not_received"}]
        },
    )
    campaign.save()
    first = device(people[0], token="fcm-phone")
    device(people[0], token="fcm-tablet")
    assert run_launch(run.pk) == 2
    Delivery.objects.filter(run=run, device_id=first.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now()
    )

    report = run_send(run.pk)

    assert [m["token"] for m in fcm.sent] == ["fcm-tablet"]
    assert report.sent == 1 and report.skipped == 0


def test_the_checks_and_sends_do_not_query_per_device(workspace, fcm, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DELIVERY_FLUSH_EVERY = 1000  # one flush per job: what is left is the batch's own

    def queries(people: int) -> int:
        _campaign, run, persons = push_campaign(workspace, people, prefix=f"p{people}-")
        for n, person in enumerate(persons):
            device(person, token=f"fcm-{people}-{n}")
        run_launch(run.pk)
        with CaptureQueriesContext(connection) as captured:
            assert run_send(run.pk).sent == people
        return len(captured)

    # 20 more devices, no more queries (the larger run goes first, its caches cold)
    assert queries(25) <= queries(5) + 2
