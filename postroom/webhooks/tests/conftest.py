from collections.abc import Callable, Iterator

import pytest

from postroom.accounts.models import Membership
from postroom.webhooks.models import EventType, WebhookEndpoint
from postroom.webhooks.services.endpoints import endpoint_save
from postroom.webhooks.tests.receiver import Receiver, receiver_running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from receiver_running()


@pytest.fixture
def endpoint_for() -> Callable[..., WebhookEndpoint]:
    """An endpoint of the member's workspace at `url`, subscribed to `types` (all by default)."""

    def make(member: Membership, url: str, types: list[str] | None = None) -> WebhookEndpoint:
        all_types = [t for t in EventType.values if t != EventType.TEST]
        return endpoint_save(actor=member, url=url, event_types=types or all_types)

    return make
