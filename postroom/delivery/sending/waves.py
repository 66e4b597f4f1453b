"""An experiment's draw in the outbox: the launch's INSERT with variants, and each later release.

At launch every recipient's row gets its bucket (a seeded hash, computed by
the database inside the same INSERT … SELECT), and the ranges released at once
(the holdout, the test group or the first bandit wave) their status and
variant; everyone else waits.

A later release writes no recipient rows: the round's `released_to` and its
append-only waves say which waiting rows are due and which variant each
bucket gets, and the claim that takes a waiting row sets its variant
(`released_draw`), so releasing the rest of a million costs what releasing
ten does. Only a campaign whose recipients wait for their own moment (a send
window in their zone, or a variant's own time of day) is released row by row,
since each row's time must be computed at the release. Nothing here decides:
`postroom.experiments` does.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from postroom.audience.models import Subscriber
from postroom.campaigns.models import CampaignRun
from postroom.campaigns.schedule import next_time_of_day
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.windows import not_before_sql
from postroom.experiments.draw import bucket_select
from postroom.experiments.models import Experiment, Round, Wave
from postroom.experiments.plans import HOLDOUT, Release
from postroom.experiments.services import round_open

_TABLE = Delivery._meta.db_table
_SUBSCRIBERS = Subscriber._meta.db_table


@dataclass(frozen=True)
class LaunchSource:
    """The rows a launch inserts: `SELECT id, email, time_zone[, device_id]` (id: the subscriber).

    Email: one row per subscriber. Push: one per valid device, its own time zone
    (else the subscriber's), `email` empty; the draw hashes the subscriber's id,
    so every device of a person gets the same variant.
    """

    sql: str
    params: list[Any]
    zones: Callable[
        [], list[str]
    ]  # the rows' distinct time zones (a query: asked for a window only)
    devices: bool = False

    @property
    def columns(self) -> list[str]:
        return ["id", "email", "time_zone", *(["device_id"] if self.devices else [])]

    @property
    def insert_columns(self) -> str:
        return ", device_id" if self.devices else ""

    @property
    def select_columns(self) -> str:
        return ", t.device_id" if self.devices else ""

    @property
    def conflict(self) -> str:
        """The unique index a second launch of the run runs into (email or push rows)."""
        if self.devices:
            return "ON CONFLICT (run_id, device_id) WHERE device_id IS NOT NULL DO NOTHING"
        return "ON CONFLICT (run_id, subscriber_id) WHERE device_id IS NULL DO NOTHING"


def subscriber_source(audience: QuerySet[Subscriber]) -> LaunchSource:
    sql, params = audience.values_list("id", "email", "time_zone").query.sql_with_params()
    return LaunchSource(
        sql, list(params), lambda: list(audience.values_list("time_zone", flat=True).distinct())
    )


def experiment_launch(
    run: CampaignRun,
    experiment: Experiment,
    audience: QuerySet[Subscriber],
    now: dt.datetime,
    source: LaunchSource | None = None,
) -> int:
    """Insert the run's deliveries with their draw; returns how many (held out included)."""
    size = audience.count() if experiment.test_count is not None else 0
    releases = round_open(run=run, experiment=experiment, audience=size, now=now)
    source = source or subscriber_source(audience)
    created = rows_insert(run, source, now, drawn=(experiment.seed, releases))
    released = [(r.bucket_from, r.bucket_to) for r in releases if r.kind != HOLDOUT]
    _variant_times(run, experiment, now, released)
    return created


def rows_insert(
    run: CampaignRun,
    source: LaunchSource,
    now: dt.datetime,
    drawn: tuple[int, list[Release]] | None = None,
) -> int:
    """The launch's one INSERT … SELECT; returns how many rows it made.

    Without an experiment every row is queued. With one (`drawn`: its seed and
    the ranges released at once) each row gets its bucket, and its status and
    variant by the range the bucket falls in.
    """
    start_sql, start_params = not_before_sql(run.campaign, source.zones, now, "t.time_zone")
    status_params: list[object]
    if drawn is None:
        rows, status_sql, status_params = source.sql, "%s", [DeliveryStatus.QUEUED]
        variant_sql, bucket_sql = "NULL", "NULL"
    else:
        seed, releases = drawn
        rows = bucket_select(source.sql, source.columns, seed, vendor=connection.vendor)
        status_sql, status_params = _status_case(releases)
        variant_sql, bucket_sql = _variant_case(releases), "t.b"
    sql = (
        f"INSERT INTO {_TABLE} (run_id, subscriber_id, email, status, next_attempt_at, "  # noqa: S608
        f"lease_owner, attempts, reclaimed, last_response, variant, bucket{source.insert_columns}) "
        f"SELECT %s, t.id, t.email, {status_sql}, {start_sql}, '', 0, 0, '', "
        f"{variant_sql}, {bucket_sql}{source.select_columns} "
        f"FROM ({rows}) t WHERE true {source.conflict}"
    )
    params = [run.pk, *status_params, *start_params, *source.params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _status_case(releases: list[Release]) -> tuple[str, list[object]]:
    whens, params = [], []
    for release in releases:
        held = release.kind == HOLDOUT
        whens.append(f"WHEN t.b >= {release.bucket_from} AND t.b < {release.bucket_to} THEN %s")
        params.append(DeliveryStatus.HELD if held else DeliveryStatus.QUEUED)
    return f"CASE {' '.join(whens)} ELSE %s END", [*params, DeliveryStatus.WAITING]


def _variant_case(releases: list[Release], column: str = "t.b") -> str:
    whens = [
        f"WHEN {column} >= {low} AND {column} < {high} THEN {number}"
        for release in releases
        for low, high, number in release.ranges()
    ]
    return f"CASE {' '.join(whens)} ELSE NULL END" if whens else "NULL"


def _variant_times(
    run: CampaignRun, experiment: Experiment, now: dt.datetime, ranges: list[tuple[int, int]]
) -> None:
    """The just released ranges' variants with their own time of day wait for it (campaign's zone).

    Only those ranges: an earlier wave's rows keep the time they were given.
    """
    zone = run.campaign.time_zone
    for variant in experiment.variants.exclude(send_time=None):
        assert variant.send_time is not None
        at = next_time_of_day(now, variant.send_time, zone)
        for low, high in ranges:
            Delivery.objects.filter(
                run_id=run.pk,
                variant=variant.number,
                status=DeliveryStatus.QUEUED,
                bucket__gte=low,
                bucket__lt=high,
                next_attempt_at__lt=at,
            ).update(next_attempt_at=at)


@dataclass(frozen=True)
class ReleasedDraw:
    """A run's released waiting rows, as the claim takes them: buckets below `released_to`.

    `variant_sql` is trusted SQL (integers only) giving a row's variant from its `bucket`.
    """

    released_to: int
    variant_sql: str


def released_draw(run_id: int) -> ReleasedDraw | None:
    """What the run's experiment has released beyond its launch; None without an experiment."""
    round_ = Round.objects.filter(run_id=run_id).values_list("pk", "released_to").first()
    if round_ is None:
        return None
    waves = Wave.objects.filter(round_id=round_[0]).exclude(kind=HOLDOUT)
    releases = [
        Release(kind, low, high, {int(number): share for number, share in shares.items()})
        for kind, low, high, shares in waves.values_list(
            "kind", "bucket_from", "bucket_to", "shares"
        )
    ]
    return ReleasedDraw(released_to=round_[1], variant_sql=_variant_case(releases, "bucket"))


def released_row_by_row(campaign_window: bool, variant_times: bool) -> bool:
    """Whether a release must write each row: its recipients wait for their own moment."""
    return campaign_window or variant_times


class OutboxWaves:
    """`postroom.experiments.seams.Waves` over the Delivery table."""

    def release(self, *, run: CampaignRun, release: Release, now: dt.datetime) -> int:
        waiting = Delivery.objects.filter(
            run_id=run.pk,
            status=DeliveryStatus.WAITING,
            bucket__gte=release.bucket_from,
            bucket__lt=release.bucket_to,
        )
        campaign = run.campaign
        windowed = campaign.window_start is not None and campaign.window_end is not None
        experiment = Experiment.objects.get(campaign_id=run.campaign_id)
        timed = experiment.variants.exclude(send_time=None).exists()
        if not released_row_by_row(windowed, timed):
            # The round's new `released_to` and wave (saved with this, in one transaction)
            # make these rows claimable; the claim gives each its variant.
            return waiting.count()

        def zones() -> list[str]:  # the zones of the range's recipients
            return list(
                Subscriber.objects.filter(pk__in=waiting.values("subscriber_id"))
                .values_list("time_zone", flat=True)
                .distinct()
            )

        zone_sql = f"(SELECT s.time_zone FROM {_SUBSCRIBERS} s WHERE s.id = {_TABLE}.subscriber_id)"  # noqa: S608
        start_sql, start_params = not_before_sql(campaign, zones, now, zone_sql)
        sql = (
            f"UPDATE {_TABLE} SET status = %s, variant = {_variant_case([release], 'bucket')}, "  # noqa: S608
            f"next_attempt_at = {start_sql} "
            "WHERE run_id = %s AND status = %s AND bucket >= %s AND bucket < %s"
        )
        params: list[Any] = [
            DeliveryStatus.QUEUED,
            *start_params,
            run.pk,
            DeliveryStatus.WAITING,
            release.bucket_from,
            release.bucket_to,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            released = max(cursor.rowcount, 0)
        _variant_times(run, experiment, now, [(release.bucket_from, release.bucket_to)])
        return released
