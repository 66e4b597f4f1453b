"""What an experiment releases, and when: pure decisions over the draw's ranges.

A run's audience is drawn once at launch (every recipient gets a bucket, see
`draw`). The holdout is [0, H); the test group, each bandit wave and finally
the rest are the next ranges, each split between variants in proportion to
its shares. The engine applies a `Release` in one set-based statement; these
functions only decide which one is due.
"""

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from postroom.experiments.allocation import Decision, bandit_shares, winner_decide
from postroom.experiments.draw import BUCKETS, bucket_ranges
from postroom.experiments.stats import NOBODY, ArmCounts

HOLDOUT = "holdout"
TEST = "test"
BANDIT = "bandit"
WINNER = "winner"


@dataclass(frozen=True)
class Release:
    kind: str
    bucket_from: int
    bucket_to: int
    shares: dict[int, float] = field(default_factory=dict)  # variant number: share (none: holdout)

    def ranges(self) -> list[tuple[int, int, int]]:
        """(from, to, variant number) for each variant's part of the range, in variant order."""
        numbers = sorted(self.shares)
        parts = bucket_ranges(self.bucket_from, self.bucket_to, [self.shares[n] for n in numbers])
        return [(low, high, number) for (low, high), number in zip(parts, numbers, strict=True)]


@dataclass(frozen=True)
class Settings:
    """An experiment's configuration, as the decisions need it (from the model, or the simulator)."""

    mode: str  # "ab", "bandit", "manual"
    metric: str
    variants: tuple[int, ...]  # variant numbers, the first is the fallback
    test_percent: int = 20
    test_count: int | None = None
    wait_hours: int = 4
    confidence: int = 95
    fallback: str = "first"
    holdout_percent: int = 0
    wave_percent: int = 5
    wave_minutes: int = 60
    min_share_percent: int = 5


@dataclass(frozen=True)
class Step:
    """What is due now: a range to release (or none), and the round's next state."""

    release: Release | None
    phase: str  # "testing", "waves", "decided", "pick"
    next_step_at: dt.datetime | None
    decision: Decision | None = None
    extended: bool = False
    winner: int | None = None  # variant number


def holdout_end(settings: Settings) -> int:
    return BUCKETS * settings.holdout_percent // 100


def launch_releases(
    settings: Settings,
    *,
    audience: int,
    prior: Mapping[int, ArmCounts],
    rng: random.Random,
) -> list[Release]:
    """The ranges released at launch: the holdout, then the test group or the first wave.

    `prior` is what earlier runs of a periodic campaign learnt (the bandit
    carries it over); `audience` sizes a test group given as a count.
    """
    releases = []
    start = holdout_end(settings)
    if start:
        releases.append(Release(HOLDOUT, 0, start))
    if settings.mode == "bandit":
        releases.append(_wave(settings, start, prior, rng))
    else:
        releases.append(_test(settings, start, audience))
    return releases


def _test(settings: Settings, start: int, audience: int) -> Release:
    if settings.test_count is not None:
        eligible = max(1, audience * (BUCKETS - start) // BUCKETS)
        end = start + round((BUCKETS - start) * min(1.0, settings.test_count / eligible))
    else:
        end = start + BUCKETS * settings.test_percent // 100
    even = 1 / len(settings.variants)
    return Release(TEST, start, min(BUCKETS, end), dict.fromkeys(settings.variants, even))


def _wave(
    settings: Settings, start: int, arms: Mapping[int, ArmCounts], rng: random.Random
) -> Release:
    shares = bandit_shares(
        arms_in_order(settings, arms),
        settings.metric,
        rng=rng,
        min_share=settings.min_share_percent / 100,
    )
    end = min(BUCKETS, start + BUCKETS * settings.wave_percent // 100)
    return Release(BANDIT, start, end, dict(zip(settings.variants, shares, strict=True)))


def _rest(start: int, winner: int) -> Release:
    return Release(WINNER, start, BUCKETS, {winner: 1.0})


def first_step_at(settings: Settings, launched: dt.datetime) -> dt.datetime | None:
    if settings.mode == "bandit":
        return launched + dt.timedelta(minutes=settings.wave_minutes)
    if settings.mode == "ab":
        return launched + dt.timedelta(hours=settings.wait_hours)
    return None  # manual: the owner picks


def round_step(
    settings: Settings,
    *,
    released_to: int,
    extended: bool,
    arms: Mapping[int, ArmCounts],
    now: dt.datetime,
    rng: random.Random,
) -> Step:
    """The next step of a round whose time has come (never called for a manual one)."""
    if settings.mode == "bandit":
        if released_to >= BUCKETS:
            return Step(None, "decided", None)
        wave = _wave(settings, released_to, arms, rng)
        done = wave.bucket_to >= BUCKETS
        later = None if done else now + dt.timedelta(minutes=settings.wave_minutes)
        return Step(wave, "decided" if done else "waves", later)
    decision = winner_decide(
        arms_in_order(settings, arms),
        settings.metric,
        confidence=settings.confidence / 100,
        fallback=settings.fallback,
        extended=extended,
        rng=rng,
    )
    if decision.winner is None:  # not clear yet, and the fallback is to wait once more
        later = now + dt.timedelta(hours=settings.wait_hours)
        return Step(None, "testing", later, decision, extended=True)
    index = decision.winner if decision.winner is not None else 0
    winner = settings.variants[index]
    rest = _rest(released_to, winner) if released_to < BUCKETS else None  # a test of everyone
    return Step(rest, "decided", None, decision, extended, winner)


def pick_step(settings: Settings, *, released_to: int, winner: int) -> Step:
    """The owner chose: the rest of the audience gets `winner`."""
    if winner not in settings.variants:
        raise ValueError(f"no variant {winner}")
    return Step(_rest(released_to, winner), "decided", None, winner=winner)


def arms_in_order(settings: Settings, arms: Mapping[int, ArmCounts]) -> Sequence[ArmCounts]:
    return [arms.get(number, NOBODY) for number in settings.variants]
