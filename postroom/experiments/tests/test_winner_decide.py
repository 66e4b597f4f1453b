import random

import pytest

from postroom.experiments.allocation import winner_decide
from postroom.experiments.stats import ArmCounts

CLEAR = [ArmCounts(5000, clicks=100), ArmCounts(5000, clicks=160)]
CLOSE = [ArmCounts(5000, clicks=100), ArmCounts(5000, clicks=104)]
EMPTY = [ArmCounts(5000), ArmCounts(5000)]


def decide(arms, *, fallback="first", extended=False, confidence=0.95):
    return winner_decide(
        arms,
        "click_rate",
        confidence=confidence,
        fallback=fallback,
        extended=extended,
        rng=random.Random(16),
    )


@pytest.mark.parametrize(
    ("arms", "fallback", "extended", "winner", "reason"),
    [
        (CLEAR, "first", False, 1, "confident"),
        (CLEAR, "extend", False, 1, "confident"),
        (CLOSE, "first", False, 0, "fallback_first"),
        (CLOSE, "extend", False, None, "extended"),
        (CLOSE, "extend", True, 0, "fallback_first"),
        (EMPTY, "first", False, 0, "no_data"),
        (EMPTY, "extend", False, None, "no_data"),
        (EMPTY, "extend", True, 0, "no_data"),
    ],
)
def test_it_decides_with_its_reason(arms, fallback, extended, winner, reason):
    decision = decide(arms, fallback=fallback, extended=extended)

    assert (decision.winner, decision.reason) == (winner, reason)


def test_the_best_and_its_probability_are_given_even_without_a_winner():
    decision = decide(CLOSE, fallback="extend")

    assert decision.best == 1
    assert 0.5 < decision.probability < 0.95


def test_a_confident_winner_is_the_best_with_its_probability():
    decision = decide(CLEAR)

    assert decision.best == decision.winner == 1
    assert decision.probability >= 0.95


def test_a_lower_confidence_declares_a_closer_winner():
    arms = [ArmCounts(5000, clicks=100), ArmCounts(5000, clicks=118)]

    assert decide(arms, confidence=0.95).reason == "fallback_first"
    assert decide(arms, confidence=0.8).winner == 1


def test_no_data_when_nobody_was_sent():
    decision = decide([ArmCounts(0), ArmCounts(0), ArmCounts(0)])

    assert decision.reason == "no_data"
    assert decision.probability == pytest.approx(1 / 3)


def test_an_unknown_fallback_is_refused():
    with pytest.raises(ValueError):
        decide(CLEAR, fallback="random")
