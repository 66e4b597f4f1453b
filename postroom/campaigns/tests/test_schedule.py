import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from postroom.campaigns.schedule import Schedule, next_occurrence, window_not_before

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")


def local(zone, *args):
    return dt.datetime(*args, tzinfo=zone)


def runs(schedule, after, count):
    out = []
    for _ in range(count):
        after = next_occurrence(schedule, after)
        if after is None:
            break
        out.append(after)
    return out


def test_once_runs_at_its_start_and_never_again():
    start = local(UTC, 2026, 5, 1, 10)
    schedule = Schedule(start_at=start, end_at=None, periodicity="once")

    assert next_occurrence(schedule, start - dt.timedelta(hours=1)) == start
    assert next_occurrence(schedule, start) is None


def test_daily_keeps_local_time_across_the_spring_dst_change():
    schedule = Schedule(
        start_at=local(BERLIN, 2026, 3, 27, 9),
        end_at=None,
        periodicity="daily",
        time_zone="Europe/Berlin",
    )

    got = runs(schedule, local(UTC, 2026, 3, 27, 0), 4)

    assert [r.astimezone(BERLIN).strftime("%d %H:%M") for r in got] == [
        "27 09:00",
        "28 09:00",
        "29 09:00",
        "30 09:00",
    ]
    assert got[2] - got[1] == dt.timedelta(hours=23)


def test_daily_keeps_local_time_across_the_autumn_dst_change():
    schedule = Schedule(
        start_at=local(NY, 2026, 10, 31, 8, 30),
        end_at=None,
        periodicity="daily",
        time_zone="America/New_York",
    )

    got = runs(schedule, local(UTC, 2026, 10, 31, 0), 3)

    assert [r.astimezone(NY).strftime("%d %H:%M") for r in got] == [
        "31 08:30",
        "01 08:30",
        "02 08:30",
    ]
    assert got[1] - got[0] == dt.timedelta(hours=25)


def test_a_wall_time_inside_the_spring_gap_moves_forward():
    schedule = Schedule(
        start_at=local(BERLIN, 2026, 3, 28, 2, 30),
        end_at=None,
        periodicity="daily",
        time_zone="Europe/Berlin",
    )

    got = runs(schedule, local(UTC, 2026, 3, 28, 0), 2)

    assert got[1].astimezone(BERLIN).strftime("%d %H:%M") == "29 03:30"


def test_weekly_on_chosen_weekdays_until_the_end():
    schedule = Schedule(
        start_at=local(UTC, 2026, 6, 1, 7),  # a Monday
        end_at=local(UTC, 2026, 6, 14, 23),
        periodicity="weekly",
        weekdays=(0, 3),  # Monday and Thursday
        send_time=dt.time(7, 0),
    )

    got = runs(schedule, local(UTC, 2026, 5, 1), 10)

    assert [r.strftime("%a %d") for r in got] == ["Mon 01", "Thu 04", "Mon 08", "Thu 11"]


def test_monthly_on_the_31st_uses_the_last_day_of_short_months():
    schedule = Schedule(
        start_at=local(UTC, 2026, 1, 31, 12), end_at=None, periodicity="monthly", month_day=31
    )

    got = runs(schedule, local(UTC, 2026, 1, 1), 5)

    assert [r.date().isoformat() for r in got] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
    ]


def test_monthly_in_a_leap_year():
    schedule = Schedule(
        start_at=local(UTC, 2028, 1, 30, 12), end_at=None, periodicity="monthly", month_day=30
    )

    assert runs(schedule, local(UTC, 2028, 2, 1), 1)[0].date() == dt.date(2028, 2, 29)


def test_nothing_runs_before_the_start():
    schedule = Schedule(
        start_at=local(UTC, 2026, 7, 10, 18), end_at=None, periodicity="daily", send_time=dt.time(9)
    )

    assert next_occurrence(schedule, local(UTC, 2026, 7, 1)) == local(UTC, 2026, 7, 11, 9)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(UTC, 2026, 6, 1, 10), local(UTC, 2026, 6, 1, 10)),  # inside: now
        (local(UTC, 2026, 6, 1, 5), local(UTC, 2026, 6, 1, 9)),  # before: today's start
        (local(UTC, 2026, 6, 1, 19), local(UTC, 2026, 6, 2, 9)),  # after: tomorrow's start
    ],
)
def test_the_recipient_send_window(moment, expected):
    assert window_not_before(moment, time_zone="UTC", start=dt.time(9), end=dt.time(18)) == expected


def test_the_send_window_is_in_the_recipients_time_zone():
    moment = local(UTC, 2026, 6, 1, 10)  # 06:00 in New York (EDT)

    result = window_not_before(
        moment, time_zone="America/New_York", start=dt.time(9), end=dt.time(18)
    )

    assert result.astimezone(NY) == local(NY, 2026, 6, 1, 9)


def test_an_unknown_recipient_time_zone_falls_back_to_utc():
    moment = local(UTC, 2026, 6, 1, 5)

    assert window_not_before(
        moment, time_zone="Mars/Olympus", start=dt.time(9), end=dt.time(18)
    ) == local(UTC, 2026, 6, 1, 9)


def test_a_window_over_midnight():
    assert window_not_before(
        local(UTC, 2026, 6, 1, 23), time_zone="UTC", start=dt.time(22), end=dt.time(6)
    ) == local(UTC, 2026, 6, 1, 23)
    assert window_not_before(
        local(UTC, 2026, 6, 1, 12), time_zone="UTC", start=dt.time(22), end=dt.time(6)
    ) == local(UTC, 2026, 6, 1, 22)
