"""When a campaign runs: occurrences in the campaign's time zone, correct across DST and month ends.

All arithmetic is done on local calendar dates and wall-clock times, then
converted to UTC: a daily 09:00 stays at 09:00 local time when the clocks
change. A wall time that does not exist (the spring-forward gap) moves to the
same instant one hour later; an ambiguous one (fall back) takes the first.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

UTC = dt.UTC


@dataclass(frozen=True)
class Schedule:
    start_at: dt.datetime
    end_at: dt.datetime | None
    periodicity: str  # once / daily / weekly / monthly
    time_zone: str = "UTC"
    send_time: dt.time | None = None
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def _at(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, wall.replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def _month_day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_occurrence(schedule: Schedule, after: dt.datetime) -> dt.datetime | None:
    """The first run strictly after `after` (and not before the start), or None past the end."""
    start = schedule.start_at.astimezone(UTC)
    if schedule.periodicity == "once":
        result = start if start > after else None
    else:
        result = _periodic(schedule, max(after, start - dt.timedelta(microseconds=1)))
    if result is not None and schedule.end_at is not None and result > schedule.end_at:
        return None
    return result


def is_slot(schedule: Schedule, moment: dt.datetime) -> bool:
    """Whether `moment` is one of the schedule's own occurrences (not a start send or "send now")."""
    return next_occurrence(schedule, moment - dt.timedelta(microseconds=1)) == moment


def next_after_run(
    schedule: Schedule, *, run_at: dt.datetime, now: dt.datetime
) -> dt.datetime | None:
    """The occurrence that follows a run for `run_at`, created at `now`.

    A run off the slots (the start send, "send now") stands for its local
    day's slot: a slot later that same day is skipped, so nobody gets the
    campaign twice in a day for one occurrence (issue 13: a send at approval,
    07:39 UTC, then again at the 08:00 UTC slot).
    """
    following = next_occurrence(schedule, now)
    if following is None or is_slot(schedule, run_at):
        return following
    zone = schedule.zone
    if following.astimezone(zone).date() == run_at.astimezone(zone).date():
        return next_occurrence(schedule, following)
    return following


def _periodic(schedule: Schedule, after: dt.datetime) -> dt.datetime | None:
    zone = schedule.zone
    local_start = schedule.start_at.astimezone(zone)
    wall = schedule.send_time or local_start.time()
    day = after.astimezone(zone).date()
    if schedule.periodicity == "daily":
        for offset in range(3):
            candidate = _at(day + dt.timedelta(days=offset), wall, zone)
            if candidate > after:
                return candidate
        return None
    if schedule.periodicity == "weekly":
        weekdays = set(schedule.weekdays) or {local_start.weekday()}
        for offset in range(15):
            current = day + dt.timedelta(days=offset)
            if current.weekday() in weekdays:
                candidate = _at(current, wall, zone)
                if candidate > after:
                    return candidate
        return None
    if schedule.periodicity == "monthly":
        wanted = schedule.month_day or local_start.day
        year, month = day.year, day.month
        for _ in range(14):
            candidate = _at(_month_day(year, month, wanted), wall, zone)
            if candidate > after:
                return candidate
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None
    raise ValueError(f"unknown periodicity {schedule.periodicity!r}")


def window_not_before(
    moment: dt.datetime, *, time_zone: str, start: dt.time | None, end: dt.time | None
) -> dt.datetime:
    """The earliest instant at or after `moment` inside the recipient's daily send window.

    The window is in the recipient's own time zone (UTC when unknown or
    invalid); a window whose end is before its start spans midnight.
    """
    if start is None or end is None:
        return moment
    try:
        zone = ZoneInfo(time_zone) if time_zone else ZoneInfo("UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    now = local.time().replace(tzinfo=None)
    inside = (start <= now < end) if start < end else (now >= start or now < end)
    if inside:
        return moment
    day = local.date() if now < start else local.date() + dt.timedelta(days=1)
    return _at(day, start, zone)


def next_time_of_day(moment: dt.datetime, wall: dt.time, time_zone: str) -> dt.datetime:
    """The first instant at or after `moment` when the clock in `time_zone` shows `wall`."""
    try:
        zone = ZoneInfo(time_zone) if time_zone else ZoneInfo("UTC")
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    at = _at(local.date(), wall, zone)
    return at if at >= moment else _at(local.date() + dt.timedelta(days=1), wall, zone)
