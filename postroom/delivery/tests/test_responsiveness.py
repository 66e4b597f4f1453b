"""A hanging relay holds up a worker, never a web request."""

import threading
import time

import pytest
from django.db import connection

from postroom.delivery.engine import run_send
from postroom.delivery.tests.factories import launched_run, relay_for


@pytest.mark.django_db(transaction=True)
def test_pages_answer_promptly_while_the_relay_hangs(owner, smtp_server, login, settings):
    settings.DELIVERY_SMTP_TIMEOUT = 3.0
    relay_for(smtp_server, owner.workspace)
    campaign, run, _ = launched_run(owner.workspace, 2)
    smtp_server.on("*", "data", action="hang", times=1)

    def work() -> None:
        try:
            run_send(run.pk)
        finally:
            connection.close()

    sender = threading.Thread(target=work)
    sender.start()
    try:
        time.sleep(0.5)  # the worker is now waiting on the relay
        assert sender.is_alive()
        client = login(owner.user)
        for path in (f"/app/campaigns/{campaign.pk}/", f"/app/campaigns/{campaign.pk}/progress/"):
            started = time.monotonic()
            response = client.get(path)
            assert response.status_code == 200
            assert time.monotonic() - started < 1.0
        assert 'data-status="sending">2<' in response.content.decode()
    finally:
        sender.join(timeout=30)
