"""Adding to the aggregates: one upsert per batch, never a count over event tables."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection

from postroom.core.hours import hour_of
from postroom.reports.models import METRICS, Counter, FailedDomain

_COUNTER = Counter._meta.db_table
_DOMAIN = FailedDomain._meta.db_table
SHARDS = 8


def counters_add(
    *,
    campaign_id: int,
    run_id: int,
    at: dt.datetime,
    shard: int = 0,
    revenue: Decimal | None = None,
    **deltas: int,
) -> None:
    """Add `deltas` (metric name: amount) to the run's row for the hour of `at`."""
    unknown = set(deltas) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown metrics: {sorted(unknown)}")
    columns = [name for name, value in deltas.items() if value]
    if not columns and not revenue:
        return
    values: list[Any] = [deltas[name] for name in columns]
    if revenue:
        columns.append("revenue")
        values.append(connection.ops.adapt_decimalfield_value(revenue, 14, 2))
    hour = connection.ops.adapt_datetimefield_value(hour_of(at))
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    added = ", ".join(f"{c} = {_COUNTER}.{c} + excluded.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_COUNTER} (campaign_id, run_id, hour, shard, {names}) "  # noqa: S608
            f"VALUES (%s, %s, %s, %s, {marks}) "
            f"ON CONFLICT (run_id, hour, shard) DO UPDATE SET {added}",
            [campaign_id, run_id, hour, shard % SHARDS, *values],
        )


def domains_add(
    *, campaign_id: int, run_id: int, emails: list[str], column: str = "failed"
) -> None:
    """Count failed (or bounced) recipients of a run per domain."""
    if column not in ("failed", "bounced") or not emails:
        return
    per_domain: dict[str, int] = {}
    for email in emails:
        domain = email.rpartition("@")[2].lower()[:253]
        per_domain[domain] = per_domain.get(domain, 0) + 1
    with connection.cursor() as cursor:
        for domain, count in sorted(per_domain.items()):
            cursor.execute(
                f"INSERT INTO {_DOMAIN} (campaign_id, run_id, domain, failed, bounced) "  # noqa: S608
                f"VALUES (%s, %s, %s, %s, %s) "
                f"ON CONFLICT (run_id, domain) DO UPDATE SET {column} = {_DOMAIN}.{column} + excluded.{column}",
                [
                    campaign_id,
                    run_id,
                    domain,
                    count if column == "failed" else 0,
                    count if column == "bounced" else 0,
                ],
            )
