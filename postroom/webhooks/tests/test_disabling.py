"""An endpoint that keeps failing is disabled, its owners are told, and it can be enabled again."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from postroom.accounts.roles import Role
from postroom.webhooks.events import OutgoingEvent
from postroom.webhooks.models import MessageStatus, WebhookMessage
from postroom.webhooks.services.emit import events_emit
from postroom.webhooks.services.endpoints import endpoint_enable
from postroom.webhooks.services.send import endpoint_send

pytestmark = pytest.mark.django_db


def _campaign_event() -> OutgoingEvent:
    return OutgoingEvent("campaign.paused", timezone.now(), {"campaign_id": 1})


def test_five_messages_failing_every_retry_disable_the_endpoint_and_mail_the_owners(
    owner, member, receiver, endpoint_for, settings, django_capture_on_commit_callbacks
):
    # given an endpoint whose receiver always fails, five events, and an admin and a viewer
    settings.WEBHOOKS_DISABLE_AFTER_DAYS = 30
    admin = member(Role.ADMIN, workspace=owner.workspace)
    member(Role.VIEWER, workspace=owner.workspace)
    receiver.answers = [500]
    endpoint = endpoint_for(owner, receiver.url, ["campaign.paused"])
    events_emit(workspace_id=owner.workspace_id, events=[_campaign_event() for _ in range(6)])

    # when every try of every message fails (over the whole schedule)
    with (
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(timezone.now(), tick=False) as clock,
    ):
        for _ in range(25):  # a job stops after three failures: the rest wait their turn
            endpoint_send(endpoint.pk)
            clock.shift(dt.timedelta(hours=13))

    # then it is disabled after the fifth, the sixth is left waiting, and the owners know
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert "5 messages in a row" in endpoint.disabled_reason
    statuses = sorted(WebhookMessage.objects.values_list("status", flat=True))
    assert statuses.count(MessageStatus.FAILED) == 5
    [notice] = mail.outbox
    assert set(notice.to) == {owner.user.email, admin.user.email}
    assert receiver.url in notice.subject and "5 messages in a row" in notice.body

    # and no event is recorded for a disabled endpoint
    assert events_emit(workspace_id=owner.workspace_id, events=[_campaign_event()]) == 0

    # when it is enabled again, the message still waiting goes out
    receiver.answers = [200]
    endpoint_enable(actor=owner, endpoint=endpoint)
    endpoint_send(endpoint.pk)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert WebhookMessage.objects.filter(status=MessageStatus.SENT).count() == 1


def test_an_endpoint_failing_for_days_is_disabled(
    owner, receiver, endpoint_for, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER_DAYS = 1
    receiver.answers = [500]
    endpoint = endpoint_for(owner, receiver.url, ["campaign.paused"])

    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(timezone.now(), tick=False) as clock,
    ):
        for _ in range(3):  # a new event every 13 hours, each failing its first try
            events_emit(workspace_id=owner.workspace_id, events=[_campaign_event()])
            endpoint_send(endpoint.pk)
            clock.shift(dt.timedelta(hours=13))

    endpoint.refresh_from_db()
    assert not endpoint.is_active and "1 days" in endpoint.disabled_reason
    assert len(mail.outbox) == 1
