"""A message that cannot be rendered fails its deliveries with the reason; the worker carries on."""

import tracemalloc

import pytest

from postroom.content.tests.factories import MessageFactory
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body,reason",
    [
        ("<p>Hi</p>\n{{ 'a'.ljust(1000000000) }}", "longer than"),
        ("<p>Hi</p>\n{{ 1 / 0 }}", "division by zero"),
    ],
)
def test_it_fails_each_delivery_of_a_message_saved_before_the_limits(owner, body, reason):
    # Saved straight to the database, as messages were before templates were checked.
    message = MessageFactory(workspace=owner.workspace, body=body)
    _campaign, run, _subscribers = launched_run(owner.workspace, 2, message=message)

    tracemalloc.start()
    try:
        run_send(run.pk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    deliveries = list(Delivery.objects.filter(run=run))
    assert {d.status for d in deliveries} == {DeliveryStatus.FAILED}
    assert all(reason in d.last_response for d in deliveries)
    assert peak < 40 * 1024 * 1024
