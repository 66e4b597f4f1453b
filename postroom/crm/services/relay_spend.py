"""Spend derived from the relay: messages sent x the relay's cost per 1,000, per campaign and day.

The engine announces every write of a run's results (`deliveries_recorded`,
in the transaction that wrote them); `postroom/crm/receivers.py` hands the
messages sent to `relay_spend_add`, which adds them to one SpendEntry per
email advertising campaign linked to that Postroom campaign and per day, marked
as derived from the relay (`relay_messages` set).

Rounding: the entry keeps the message count and the exact sum of messages x
cost per 1,000 (in 1/10,000ths of the currency, an integer, so no float ever
touches it, on SQLite either); its amount is that sum / 1,000 rounded half up
to the cent, recomputed from the sum at every batch. So 1,000 batches of one
message at 0.50 per 1,000 make 0.50, not 1,000 x 0.00. The campaign's
`spend_total` and the day's rollup gain the change of the rounded amount, so
they always equal the sum of the entries (and `rollups_rebuild` agrees).

A user may delete a derived entry like any other: its amount is taken back,
and messages sent later that day start a new derived entry from zero.

Cost: one upsert per batch (which also finds the linked campaigns: none, for
most campaigns, and nothing else is done), then one UPDATE of the campaigns'
totals and one upsert of the rollups when the rounded amount moved.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from postroom.campaigns.models import Campaign
from postroom.crm.models import AdCampaign, Channel, DailyRollup, SpendEntry
from postroom.crm.money import DECIMAL_PLACES, MAX_DIGITS

COST_PLACES = 4  # the relay's cost per 1,000 has four places (delivery.models.COST_PLACES)
# `relay_cost` counts 1/10,000ths of the currency per 1,000 messages: a cent is 100,000 of them.
PER_CENT = 1000 * 10**COST_PLACES // 100


def relay_cost_units(*, sent: int, cost_per_1000: Decimal) -> int:
    """messages x cost per 1,000, in 1/10,000ths of the currency (exact: an integer)."""
    cost = cost_per_1000.quantize(Decimal(1).scaleb(-COST_PLACES), ROUND_HALF_UP)
    return sent * int(cost.scaleb(COST_PLACES))


def relay_amount(units: int) -> Decimal:
    """The spend of `units` (see `relay_cost_units`): units / 1,000, half up to the cent."""
    cents = (units + PER_CENT // 2) // PER_CENT
    return Decimal(cents).scaleb(-DECIMAL_PLACES)


def relay_spend_day(at: dt.datetime) -> dt.date:
    """The day messages count for: their UTC day, as leads count on theirs (`Lead.day`)."""
    return at.astimezone(dt.UTC).date()


def _note(cost_per_1000: Decimal) -> tuple[str, str]:
    """What follows the message count in the note: with one cost that day, and with several."""
    cost = cost_per_1000.quantize(Decimal(1).scaleb(-COST_PLACES), ROUND_HALF_UP).normalize()
    return f" messages \u00d7 {cost:f} per 1,000", " messages at several costs per 1,000"


def relay_spend_add(
    *, campaign_id: int, at: dt.datetime, sent: int, cost_per_1000: Decimal | None
) -> int:
    """Add the spend of `sent` messages of a Postroom campaign to its email advertising campaigns.

    Every advertising campaign of the campaign's workspace with the email
    channel and this `email_campaign` gets the spend on the day of `at`, in
    its derived SpendEntry (created or added to), its `spend_total` and its
    rollup. Nothing without a cost (None or 0) or messages. Runs in the
    caller's transaction. Returns how many advertising campaigns gained.
    """
    if sent <= 0 or not cost_per_1000:
        return 0
    units = relay_cost_units(sent=sent, cost_per_1000=cost_per_1000)
    day = relay_spend_day(at)
    rows = _entries_upsert(
        campaign_id=campaign_id, day=day, sent=sent, units=units, cost=cost_per_1000
    )
    deltas: dict[Decimal, list[int]] = defaultdict(list)
    rollups: list[tuple[int, int, Decimal]] = []
    for ad_campaign_id, workspace_id, total in rows:
        delta = relay_amount(total) - relay_amount(total - units)
        if delta:
            deltas[delta].append(ad_campaign_id)
            rollups.append((workspace_id, ad_campaign_id, delta))
    for delta, ids in deltas.items():
        AdCampaign.objects.filter(pk__in=ids).update(spend_total=F("spend_total") + delta)
    _rollups_add(day=day, rows=rollups)
    return len(rows)


def _entries_upsert(
    *, campaign_id: int, day: dt.date, sent: int, units: int, cost: Decimal
) -> list[tuple[int, int, int]]:
    """One statement: the linked campaigns' derived entries of the day, created or added to.

    Returns (ad campaign id, workspace id, the entry's new `relay_cost`) per linked campaign.
    """
    entry, ad, campaign = (
        SpendEntry._meta.db_table,
        AdCampaign._meta.db_table,
        Campaign._meta.db_table,
    )
    ops, now = connection.ops, timezone.now()
    one_cost, several = _note(cost)
    sql = (
        f"INSERT INTO {entry} (created_at, updated_at, workspace_id, ad_campaign_id, date, "  # noqa: S608
        "amount, note, relay_messages, relay_cost) "
        f"SELECT %s, %s, ad.workspace_id, ad.id, %s, CAST(%s AS NUMERIC), %s, %s, %s FROM {ad} ad "
        f"WHERE ad.email_campaign_id = %s AND ad.channel = %s AND ad.workspace_id = "
        f"(SELECT c.workspace_id FROM {campaign} c WHERE c.id = %s) "
        f"ON CONFLICT (ad_campaign_id, date) WHERE relay_messages IS NOT NULL DO UPDATE SET "
        f"relay_messages = {entry}.relay_messages + excluded.relay_messages, "
        f"relay_cost = {entry}.relay_cost + excluded.relay_cost, "
        # Integer division: the cents, half up, of the exact sum; then the amount.
        f"amount = (({entry}.relay_cost + excluded.relay_cost + {PER_CENT // 2}) / {PER_CENT}) "
        "/ 100.0, "
        f"note = 'Relay: ' || CAST({entry}.relay_messages + excluded.relay_messages AS TEXT) || "
        f"CASE WHEN {entry}.relay_cost + excluded.relay_cost = "
        f"({entry}.relay_messages + excluded.relay_messages) * %s THEN %s ELSE %s END, "
        "updated_at = excluded.updated_at "
        "RETURNING ad_campaign_id, workspace_id, relay_cost"
    )
    params = [
        ops.adapt_datetimefield_value(now),
        ops.adapt_datetimefield_value(now),
        ops.adapt_datefield_value(day),
        ops.adapt_decimalfield_value(relay_amount(units), MAX_DIGITS, DECIMAL_PLACES),
        f"Relay: {sent}{one_cost}",
        sent,
        units,
        campaign_id,
        Channel.EMAIL.value,
        campaign_id,
        units // sent,
        one_cost,
        several,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(a), int(w), int(t)) for a, w, t in cursor.fetchall()]


def _rollups_add(*, day: dt.date, rows: list[tuple[int, int, Decimal]]) -> None:
    """Add each (workspace, ad campaign, spend) to its rollup of the day, in one upsert."""
    if not rows:
        return
    table, ops = DailyRollup._meta.db_table, connection.ops
    marks = ", ".join(["(%s, %s, %s, %s, CAST(%s AS NUMERIC), 0, 0, 0)"] * len(rows))
    params: list[Any] = []
    for workspace_id, ad_campaign_id, spend in rows:
        params += [
            workspace_id,
            ad_campaign_id,
            Channel.EMAIL.value,
            ops.adapt_datefield_value(day),
            ops.adapt_decimalfield_value(spend, MAX_DIGITS, DECIMAL_PLACES),
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (workspace_id, ad_campaign_id, channel, day, spend, "  # noqa: S608
            f"leads, customers, revenue) VALUES {marks} "
            f"ON CONFLICT (ad_campaign_id, day) DO UPDATE SET spend = {table}.spend + excluded.spend",
            params,
        )
