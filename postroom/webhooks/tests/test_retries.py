"""A failing receiver gets the message again on the schedule, never by a sleeping worker."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from postroom.webhooks.models import MessageStatus, WebhookAttempt, WebhookMessage
from postroom.webhooks.services.endpoints import endpoint_test
from postroom.webhooks.services.send import endpoint_send
from postroom.webhooks.tasks import webhooks_tick

pytestmark = pytest.mark.django_db


def test_a_failed_message_is_retried_with_backoff_until_the_receiver_answers(
    owner, receiver, endpoint_for
):
    # given a receiver that fails twice, then answers
    receiver.answers = [500, 503, 204]
    endpoint = endpoint_for(owner, receiver.url)
    message = endpoint_test(actor=owner, endpoint=endpoint)
    start = timezone.now()

    with time_machine.travel(start, tick=False) as clock:
        # when the first try fails
        endpoint_send(endpoint.pk)
        message.refresh_from_db()
        # then it waits about 5 s (±20 %): a tick before then sends nothing
        assert message.status == MessageStatus.PENDING and message.attempts == 1
        assert message.next_attempt_at is not None
        wait = message.next_attempt_at - start
        assert dt.timedelta(seconds=4) <= wait <= dt.timedelta(seconds=6)
        webhooks_tick.call_local()
        assert len(receiver.received) == 1

        clock.shift(dt.timedelta(seconds=7))
        webhooks_tick.call_local()  # the second try fails: about 5 minutes now
        message.refresh_from_db()
        assert message.next_attempt_at is not None
        wait = message.next_attempt_at - timezone.now()
        assert dt.timedelta(minutes=4) <= wait <= dt.timedelta(minutes=6)

        clock.shift(dt.timedelta(minutes=7))
        webhooks_tick.call_local()

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 3
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # the same message
    codes = list(message.attempt_log.order_by("at").values_list("status_code", flat=True))
    assert codes == [500, 503, 204]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.failing_since is None


def test_a_message_is_given_up_after_eight_tries(owner, receiver, endpoint_for):
    receiver.answers = [500]
    endpoint = endpoint_for(owner, receiver.url)
    message = endpoint_test(actor=owner, endpoint=endpoint)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(10):
            endpoint_send(endpoint.pk)
            clock.shift(dt.timedelta(hours=13))

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.next_attempt_at is None
    assert message.attempts == 8 == len(receiver.received)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 1


def test_the_answer_is_logged_truncated_with_its_duration(owner, receiver, endpoint_for):
    endpoint = endpoint_for(owner, receiver.url)
    endpoint_test(actor=owner, endpoint=endpoint)
    endpoint_send(endpoint.pk)

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 200 and attempt.response == '{"ok": true}'
    assert attempt.error == "" and attempt.duration_ms >= 0
    assert WebhookMessage.objects.get().sent_at is not None


def test_an_unreachable_receiver_is_an_error_not_an_answer(owner, endpoint_for, receiver):
    url = receiver.url
    receiver.stop()  # nobody listens there any more
    endpoint = endpoint_for(owner, url)
    endpoint_test(actor=owner, endpoint=endpoint)

    endpoint_send(endpoint.pk)

    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "ConnectError" in attempt.error


def test_the_log_forgets_finished_messages_after_thirty_days(owner, receiver, endpoint_for):
    from postroom.webhooks.tasks import webhooks_prune

    endpoint = endpoint_for(owner, receiver.url)
    with time_machine.travel(timezone.now() - dt.timedelta(days=31)):
        endpoint_test(actor=owner, endpoint=endpoint)
        endpoint_send(endpoint.pk)
        waiting = endpoint_test(actor=owner, endpoint=endpoint)  # still to be sent: kept
    WebhookMessage.objects.filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(days=1)
    )
    recent = endpoint_test(actor=owner, endpoint=endpoint)
    endpoint_send(endpoint.pk)

    webhooks_prune.call_local()

    assert set(WebhookMessage.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert WebhookAttempt.objects.count() == 1  # the pruned one's attempt went with it


def test_a_nul_in_the_receivers_answer_is_logged_without_it(owner, receiver, endpoint_for):
    # PostgreSQL text refuses NUL: kept as it came, the attempt could never be written
    receiver.answers = [500]
    receiver.reply = b"broken\x00answer"
    endpoint = endpoint_for(owner, receiver.url)
    message = endpoint_test(actor=owner, endpoint=endpoint)

    endpoint_send(endpoint.pk)

    attempt = WebhookAttempt.objects.get(message=message)
    assert (attempt.status_code, attempt.response) == (500, "brokenanswer")
    message.refresh_from_db()
    assert message.attempts == 1
