"""What experiments ask of the apps above them, without importing them.

Experiments sit below delivery and tracking: the results of each variant come
from tracking (who opened, clicked, converted — people only, never machine
opens or link scanners), and releasing a range of the draw is a write to the
outbox. Both apps register their implementation when Django starts.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from postroom.campaigns.models import CampaignRun
from postroom.experiments.plans import Release
from postroom.experiments.stats import ArmCounts

HOLDOUT = 0  # the key of the control group in `Outcomes.arms`


class Outcomes(Protocol):
    def arms(self, *, run_ids: Sequence[int]) -> dict[int, ArmCounts]:
        """Per variant number (and HOLDOUT for the control group): recipients and what they did."""
        ...

    def sent_ages(
        self, *, run_ids: Sequence[int], now: dt.datetime
    ) -> dict[int, list[tuple[float, int]]]:
        """Per variant number: (hours since sent, recipients) by the minute they were sent in."""
        ...

    def assigned(self, *, run_ids: Sequence[int]) -> dict[int, int]:
        """Per variant number (and HOLDOUT): recipients drawn for it, sent or not yet."""
        ...


class Waves(Protocol):
    def release(self, *, run: CampaignRun, release: Release, now: dt.datetime) -> int:
        """Give the range's waiting recipients their variant and queue them; how many."""
        ...


_outcomes: list[Outcomes] = []
_waves: list[Waves] = []


def outcomes_register(outcomes: Outcomes) -> None:
    _outcomes[:] = [outcomes]


def waves_register(waves: Waves) -> None:
    _waves[:] = [waves]


def outcomes() -> Outcomes:
    if not _outcomes:
        raise RuntimeError("no outcomes registered: is postroom.tracking in INSTALLED_APPS?")
    return _outcomes[0]


def waves() -> Waves:
    if not _waves:
        raise RuntimeError("no waves registered: is postroom.delivery in INSTALLED_APPS?")
    return _waves[0]
