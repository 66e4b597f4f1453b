"""An experiment's draw in the outbox: the launch's INSERT with variants, and each later release.

At launch every recipient's row gets its bucket (a seeded hash, computed by
the database inside the same INSERT … SELECT), and the ranges released at once
(the holdout, the test group or the first bandit wave) their status and
variant; everyone else waits. A later release is one UPDATE of a range of
waiting rows. Nothing here decides: `postroom.experiments` does.
"""

import datetime as dt
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
from postroom.experiments.models import Experiment
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
    zones: list[str]
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
    zones = list(audience.values_list("time_zone", flat=True).distinct())
    return LaunchSource(sql, list(params), zones)


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
    start_sql, start_params = not_before_sql(run.campaign, source.zones, now, "t.time_zone")
    status_sql, status_params = _status_case(releases)
    drawn = bucket_select(source.sql, source.columns, experiment.seed, vendor=connection.vendor)
    sql = (
        f"INSERT INTO {_TABLE} (run_id, subscriber_id, email, status, next_attempt_at, "  # noqa: S608
        f"lease_owner, attempts, reclaimed, last_response, variant, bucket{source.insert_columns}) "
        f"SELECT %s, t.id, t.email, {status_sql}, {start_sql}, '', 0, 0, '', "
        f"{_variant_case(releases)}, t.b{source.select_columns} "
        f"FROM ({drawn}) t WHERE true {source.conflict}"
    )
    params = [run.pk, *status_params, *start_params, *source.params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created = max(cursor.rowcount, 0)
    released = [(r.bucket_from, r.bucket_to) for r in releases if r.kind != HOLDOUT]
    _variant_times(run, experiment, now, released)
    return created


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
        zones = (  # the zones of the range's recipients, only when a window needs them
            list(
                Subscriber.objects.filter(pk__in=waiting.values("subscriber_id"))
                .values_list("time_zone", flat=True)
                .distinct()
            )
            if windowed
            else []
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
        experiment = Experiment.objects.get(campaign_id=run.campaign_id)
        _variant_times(run, experiment, now, [(release.bucket_from, release.bucket_to)])
        return released
