"""Campaigns hear content and audience changes through signals, each receiver once."""

import pytest

from postroom.audience.signals import segment_changed
from postroom.campaigns import receivers
from postroom.content.signals import content_changed, message_changed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "signal,uid",
    [
        (message_changed, "campaigns.recheck_for_message"),
        (content_changed, "campaigns.recheck_for_content"),
        (segment_changed, "campaigns.recheck_for_segment"),
    ],
)
def test_it_is_connected_once(signal, uid):
    assert len([r for r in signal.receivers if r[0][0] == uid]) == 1


@pytest.mark.parametrize(
    "signal,arguments,service",
    [
        (message_changed, {"message_id": 7}, "campaigns_recheck_for_message"),
        (content_changed, {"workspace_id": 7}, "campaigns_recheck_for_workspace"),
        (segment_changed, {"segment_id": 7}, "campaigns_recheck_for_segment"),
    ],
)
def test_it_passes_the_ids_and_the_user_on(monkeypatch, owner, signal, arguments, service):
    calls = []
    monkeypatch.setattr(receivers, service, lambda **kwargs: calls.append(kwargs))

    signal.send(sender=None, user=owner.user, **arguments)

    assert calls == [{**arguments, "user": owner.user}]
