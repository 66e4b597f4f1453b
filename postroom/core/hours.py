"""The hour a moment falls in: the bucket of every hourly aggregate."""

import datetime as dt


def hour_of(moment: dt.datetime) -> dt.datetime:
    """`moment` with minutes, seconds and microseconds cut off (its time zone kept)."""
    return moment.replace(minute=0, second=0, microsecond=0)
