from collections.abc import Iterator

import pytest

from postroom.delivery.tests.faultsmtp import FaultServer
from postroom.delivery.transports.smtp import POOL


@pytest.fixture
def smtp_server() -> Iterator[FaultServer]:
    server = FaultServer(pipelining=True).start()
    yield server
    POOL.close_all()
    server.stop()


@pytest.fixture(autouse=True)
def _fast_delivery(settings):
    settings.RELAY_ALLOW_PRIVATE = True
    settings.DELIVERY_SMTP_TIMEOUT = 2.0
    settings.DELIVERY_FLUSH_EVERY = 10
    settings.DELIVERY_BATCH_SIZE = 50
    yield
    POOL.close_all()
