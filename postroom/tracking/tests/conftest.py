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
def _local_buffer(settings):
    """Hits wait in the process until a test flushes them (the Redis buffer has its own tests)."""
    settings.TRACKING_REDIS_URL = None
    settings.TRACKING_SCANNER_SECONDS = 10
    settings.TRACKING_PREFETCH_SECONDS = 2
    from postroom.tracking.buffer import _LOCAL
    from postroom.tracking.clicks import link_cache_clear

    _LOCAL.items.clear()
    link_cache_clear()  # ids come back after each test's rollback; in production they do not
    yield
    _LOCAL.items.clear()
