"""Per-relay limits shared by every worker through the cache (Redis when REDIS_URL is set).

- `RateLimiter`: fixed windows per second, minute and hour.
- `CircuitBreaker`: opens after a run of relay trouble (refused log-in, 421s,
  timeouts, dropped connections); while open no attempt is spent; after the
  open period one worker gets to send a probe, whose success closes it.
- `ConnectionSlots`: at most `max_connections` workers talk to a relay at once.

The priority lane (transactional messages) has a reserved share of each
(TX_RESERVED_SHARE): campaign work counts against the limits minus that share,
the lane against the whole, so campaigns can never leave the lane nothing.
"""

import time

from django.conf import settings
from django.core.cache import cache

from postroom.core.ratelimit import counter_incr
from postroom.delivery.transports.relays import RelayConfig


def lane_reserved(limit: int) -> int:
    """How much of a limit is kept for the priority lane (rounded down: 0 below 1 / share)."""
    return int(limit * settings.TX_RESERVED_SHARE)


class RateLimiter:
    def __init__(self, relay: RelayConfig, *, campaign: bool = False) -> None:
        """`campaign`: counts against the limits minus the lane's reserved share."""
        self.key = relay.key
        self.windows = [
            (seconds, max(1, limit - lane_reserved(limit)) if campaign else limit)
            for seconds, limit in (
                (1, relay.rate_per_second),
                (60, relay.rate_per_minute),
                (3600, relay.rate_per_hour),
            )
            if limit
        ]

    def acquire(self) -> float:
        """0 when one message may go now; else the seconds until the full window ends."""
        now = time.time()
        for seconds, limit in self.windows:
            bucket = int(now // seconds)
            key = f"rate:{self.key}:{seconds}:{bucket}"
            used = counter_incr(key, seconds + 5)
            if used > limit:
                # Not sent: not counted, so a refused campaign try leaves the lane its share.
                counter_incr(key, seconds + 5, -1)
                return (bucket + 1) * seconds - now
        return 0.0


class CircuitBreaker:
    def __init__(self, relay: RelayConfig) -> None:
        self.key = f"breaker:{relay.key}"
        self.threshold = settings.RELAY_BREAKER_THRESHOLD
        self.open_seconds = settings.RELAY_BREAKER_OPEN_SECONDS
        self.probing = False
        self._troubled = False

    def state(self) -> tuple[str, float, str]:
        """("closed" | "open" | "half-open", seconds until a probe, last reason)."""
        until = cache.get(f"{self.key}:until")
        reason = cache.get(f"{self.key}:reason") or ""
        if until is None:
            return "closed", 0.0, reason
        left = until - time.time()
        return ("open", left, reason) if left > 0 else ("half-open", 0.0, reason)

    def allows(self) -> bool:
        """Whether this worker may send now; in the half-open state only the one probing worker."""
        state, _, _ = self.state()
        if state == "closed":
            return True
        if state == "open":
            return False
        self.probing = cache.add(f"{self.key}:probe", 1, self.open_seconds)
        return self.probing

    def retry_after(self) -> float:
        _, left, _ = self.state()
        return max(left, 1.0)

    def success(self) -> None:
        if self.probing or self._troubled:
            cache.delete_many(
                [f"{self.key}:{part}" for part in ("until", "probe", "count", "opened")]
            )
            self.probing = self._troubled = False

    def trouble(self, reason: str) -> bool:
        """Count relay trouble; True when the breaker is (now) open."""
        self._troubled = True
        cache.set(f"{self.key}:reason", reason[:300], 7 * 24 * 3600)
        count = counter_incr(f"{self.key}:count", 3600)
        if self.probing or count >= self.threshold:
            # Each reopening after a failed probe waits longer, up to ten periods.
            opened = counter_incr(f"{self.key}:opened", 3600)
            wait = self.open_seconds * min(2 ** (opened - 1), 10)
            cache.set(f"{self.key}:until", time.time() + wait, wait + 3600)
            cache.delete_many([f"{self.key}:probe", f"{self.key}:count"])
            self.probing = False
            return True
        return False

    def reset(self) -> None:
        cache.delete_many(
            [f"{self.key}:{part}" for part in ("until", "probe", "count", "opened", "reason")]
        )


class ConnectionSlots:
    def __init__(self, relay: RelayConfig, *, owner: str, lease: int, lane: bool = False) -> None:
        """`lane`: the priority lane's job, which tries the reserved slots first and may take any;
        other work takes the unreserved ones only."""
        self.relay = relay
        self.owner = owner
        self.lease = lease
        self.lane = lane
        self.slot: int | None = None

    def acquire(self) -> int | None:
        count = self.relay.max_connections
        order = range(count - 1, -1, -1) if self.lane else range(count - lane_reserved(count))
        for slot in order:
            if cache.add(f"slot:{self.relay.key}:{slot}", self.owner, self.lease):
                self.slot = slot
                return slot
        return None

    def renew(self) -> None:
        if self.slot is not None:
            cache.set(f"slot:{self.relay.key}:{self.slot}", self.owner, self.lease)

    def free_all_of_owner(self) -> None:
        """Free the slots a dead worker (this owner) still holds."""
        for slot in range(self.relay.max_connections):
            key = f"slot:{self.relay.key}:{slot}"
            if cache.get(key) == self.owner:
                cache.delete(key)

    def release(self) -> None:
        if self.slot is not None:
            key = f"slot:{self.relay.key}:{self.slot}"
            if cache.get(key) == self.owner:
                cache.delete(key)
            self.slot = None
