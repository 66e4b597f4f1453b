"""When the lane's job looks again: a pure decision, from a table."""

import datetime as dt

import pytest

from postroom.delivery.sending.lane import lane_follow_up

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("due_in", "stopped", "expected"),
    [
        (None, "", None),  # nothing waiting
        (None, "connections", None),  # sent meanwhile by a campaign job
        (0, "connections", 1.0),  # every connection busy: a second later
        (-5, "", 0.5),  # due already (claimed by someone else): soon
        (7, "", 7.0),  # a retry in 7 s
        (59, "", 59.0),
        (120, "", None),  # later than a minute: the periodic tick
    ],
)
def test_the_follow_up(due_in, stopped, expected):
    due = None if due_in is None else NOW + dt.timedelta(seconds=due_in)

    assert lane_follow_up(due=due, now=NOW, stopped=stopped) == expected
