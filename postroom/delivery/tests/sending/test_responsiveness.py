"""A hanging relay holds up a worker, never a web request.

The relay hangs until the test releases it, so the pages are shown to answer
while the worker is still blocked on the relay: the behaviour, with no
wall-clock bound that a loaded machine could break.
"""

import threading
import time

import pytest
from django.db import connection

from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.tests.factories import launched_run, relay_for


def _wait_for(condition, *, seconds: float = 30.0) -> bool:
    """Poll until `condition()` holds; a generous bound, only to end a broken test."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.django_db(transaction=True)
def test_pages_answer_while_the_worker_is_blocked_on_a_hanging_relay(
    owner, smtp_server, login, settings
):
    # given a worker blocked on a relay that does not answer DATA
    settings.DELIVERY_SMTP_TIMEOUT = 300.0  # the relay is released long before
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 2)
    hang = smtp_server.on("*", "data", action="hang", times=1)

    def work() -> None:
        try:
            run_send(run.pk)
        finally:
            connection.close()

    sender = threading.Thread(target=work)
    sender.start()
    try:
        assert _wait_for(lambda: hang.fired == 1), "the worker never reached the relay's DATA"

        # when the campaign's pages are requested
        client = login(owner.user)
        responses = [
            client.get(path)
            for path in (
                f"/app/campaigns/{campaign.pk}/",
                f"/app/campaigns/{campaign.pk}/progress/",
            )
        ]

        # then they answered while the worker was still waiting on the relay
        assert sender.is_alive()
        assert not hang.released.is_set()
        assert [r.status_code for r in responses] == [200, 200]
        assert 'data-status="sending">2<' in responses[-1].content.decode()
    finally:
        hang.release()
        sender.join(timeout=60)
    # and the worker went on once the relay answered
    assert not sender.is_alive()
    assert set(Delivery.objects.filter(run=run).values_list("status", flat=True)) == {
        DeliveryStatus.SENT
    }
