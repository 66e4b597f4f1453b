"""Campaign work counts against each relay's limits minus the lane's reserved share; the lane against all."""

import pytest

from postroom.delivery.sending.limits import ConnectionSlots, RateLimiter, lane_reserved
from postroom.delivery.transports.relays import RelayConfig

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("limit", "share", "reserved"),
    [(10, 0.2, 2), (100, 0.2, 20), (4, 0.2, 0), (5, 0.2, 1), (10, 0.0, 0), (3, 0.5, 1)],
)
def test_the_reserved_part_of_a_limit_is_rounded_down(settings, limit, share, reserved):
    settings.TX_RESERVED_SHARE = share

    assert lane_reserved(limit) == reserved


def test_campaigns_stop_at_the_unreserved_rate_and_the_lane_may_use_the_rest(settings):
    settings.TX_RESERVED_SHARE = 0.2
    relay = RelayConfig(key="r-rate", name="r", rate_per_minute=10)
    campaign, lane = RateLimiter(relay, campaign=True), RateLimiter(relay)

    campaign_sent = sum(1 for _ in range(10) if campaign.acquire() == 0)
    lane_sent = sum(1 for _ in range(10) if lane.acquire() == 0)

    assert (campaign_sent, lane_sent) == (8, 2)


def test_campaign_jobs_leave_the_reserved_connections_to_the_lane(settings):
    settings.TX_RESERVED_SHARE = 0.2
    relay = RelayConfig(key="r-slots", name="r", max_connections=5)
    campaign = [ConnectionSlots(relay, owner=f"c{i}", lease=60) for i in range(5)]

    taken = [slots.acquire() for slots in campaign]
    lane = ConnectionSlots(relay, owner="tx", lease=60, lane=True).acquire()

    assert taken == [0, 1, 2, 3, None]
    assert lane == 4
