"""The lane retries on its own short schedule (TX_RETRY_*), not the campaigns' hour-long one."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postroom.delivery.models import DeliveryStatus
from postroom.delivery.sending.lane import lane_next_due, lane_run, lanes_due
from postroom.delivery.tests.factories import relay_for
from postroom.transactional.models import TxMessage
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


def test_a_deferred_message_is_retried_within_seconds_and_then_sent(
    api, owner, smtp_server, settings
):
    # given a relay that defers the first attempt
    relay_for(smtp_server, owner.workspace)
    smtp_server.on("ann@example.com", "rcpt", reply="451 4.7.1 try again", times=1)
    template = TxTemplateFactory(workspace=owner.workspace)
    api(owner.user).post("/api/v1/tx/", send_body(template), format="json")

    # when the lane tries, then tries again once the retry is due
    lane_run(owner.workspace.pk)
    delivery = TxMessage.objects.select_related("delivery").get().delivery
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    early = lane_run(owner.workspace.pk)
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        due = lanes_due()
        later = lane_run(owner.workspace.pk)

    # then the first retry waited between half and all of TX_RETRY_BASE_SECONDS
    assert delivery.status == DeliveryStatus.DEFERRED
    assert settings.TX_RETRY_BASE_SECONDS * 0.5 - 1 <= wait <= settings.TX_RETRY_BASE_SECONDS
    assert early.handled == 0
    assert due == [owner.workspace.pk] and later.sent == 1
    assert lane_next_due(owner.workspace.pk) is None
    detail = api(owner.user).get(f"/api/v1/tx/{TxMessage.objects.get().public_id}/").json()
    assert [a["outcome"] for a in detail["attempts"]] == ["deferred", "sent"]


def test_a_message_still_refused_after_the_horizon_fails(api, owner, smtp_server, settings):
    relay_for(smtp_server, owner.workspace)
    settings.TX_RETRY_HOURS = 0
    smtp_server.on("ann@example.com", "rcpt", reply="451 4.7.1 try again")
    template = TxTemplateFactory(workspace=owner.workspace)
    api(owner.user).post("/api/v1/tx/", send_body(template), format="json")

    lane_run(owner.workspace.pk)

    assert (
        TxMessage.objects.select_related("delivery").get().delivery.status == DeliveryStatus.FAILED
    )
