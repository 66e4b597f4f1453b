from collections.abc import Iterator

import pytest

from postroom.delivery.tests.faultsmtp import FaultServer
from postroom.delivery.transports.smtp import POOL


@pytest.fixture(params=[True, False], ids=["pipelining", "one-by-one"])
def smtp_server(request: pytest.FixtureRequest) -> Iterator[FaultServer]:
    """Every engine test runs against a server with PIPELINING (RFC 2920) and one without."""
    server = FaultServer(pipelining=request.param).start()
    yield server
    POOL.close_all()
    server.stop()


@pytest.fixture(autouse=True)
def _fast_delivery(settings):
    settings.DELIVERY_SMTP_TIMEOUT = 2.0
    settings.DELIVERY_FLUSH_EVERY = 10
    settings.DELIVERY_BATCH_SIZE = 50
    yield
    POOL.close_all()
