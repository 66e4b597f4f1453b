"""Each variant's results for the experiments: recipients sent to, and what people did.

Opens and clicks are the first human ones (`Engagement.opened_at` and
`clicked_at` never hold a machine open or a link scanner's click), so
neither decides a winner. The holdout's recipients received nothing: they
count as recipients and by their conversions only (the lift).

A push campaign's variants count the same way: a tap is a click (through the
tracked redirect, or the provider's receipt), and a notification shown on its
device (a "received" event) or tapped counts as its "open", so an experiment on
opens compares delivery to the screen.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMinute

from postroom.campaigns.models import CampaignRun, Channel
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.experiments.seams import HOLDOUT
from postroom.experiments.stats import ArmCounts
from postroom.tracking.models import Engagement, Event, EventKind


def _push_opens(run_ids: Sequence[int]) -> dict[int | None, int]:
    """Per variant: push deliveries shown on their device or tapped."""
    shown = Exists(
        Event.objects.filter(delivery_id=OuterRef("pk"), kind=EventKind.RECEIVED)
    ) | Exists(Engagement.objects.filter(delivery_id=OuterRef("pk"), opened_at__isnull=False))
    return dict(
        Delivery.objects.filter(run_id__in=run_ids, device_id__isnull=False, variant__isnull=False)
        .filter(shown)
        .values("variant")
        .annotate(n=Count("id"))
        .values_list("variant", "n")
    )


class TrackedOutcomes:
    """`postroom.experiments.seams.Outcomes` from the outbox and the engagement table."""

    def arms(self, *, run_ids: Sequence[int]) -> dict[int, ArmCounts]:
        if not run_ids:
            return {}
        recipients = dict(
            Delivery.objects.filter(run_id__in=run_ids)
            .filter(
                Q(status=DeliveryStatus.SENT, variant__isnull=False) | Q(status=DeliveryStatus.HELD)
            )
            .values("variant")
            .annotate(n=Count("id"))
            .values_list("variant", "n")
        )
        engaged: dict[int | None, dict[str, Any]] = {
            row["delivery__variant"]: dict(row)
            for row in Engagement.objects.filter(delivery__run_id__in=run_ids)
            .values("delivery__variant")
            .annotate(
                opens=Count("opened_at"),
                clicks=Count("clicked_at"),
                conversions=Count("converted_at"),
            )
        }
        if CampaignRun.objects.filter(pk__in=run_ids, campaign__channel=Channel.PUSH).exists():
            for variant, opens in _push_opens(run_ids).items():
                engaged.setdefault(variant, {})["opens"] = opens
        revenue = dict(
            Event.objects.filter(run_id__in=run_ids, kind=EventKind.CONVERSION, machine=False)
            .values("delivery__variant")
            .annotate(total=Sum("revenue"))
            .values_list("delivery__variant", "total")
        )
        arms = {}
        for variant, n in recipients.items():
            key = HOLDOUT if variant is None else variant
            row = engaged.get(variant, {})
            arms[key] = ArmCounts(
                recipients=n,
                opens=0 if key == HOLDOUT else row.get("opens", 0),
                clicks=0 if key == HOLDOUT else row.get("clicks", 0),
                conversions=row.get("conversions", 0),
                revenue=float(revenue.get(variant) or 0),
            )
        return arms

    def sent_ages(
        self, *, run_ids: Sequence[int], now: dt.datetime
    ) -> dict[int, list[tuple[float, int]]]:
        rows = (
            Delivery.objects.filter(
                run_id__in=run_ids, status=DeliveryStatus.SENT, variant__isnull=False
            )
            .annotate(minute=TruncMinute("sent_at"))
            .values("variant", "minute")
            .annotate(n=Count("id"))
            .values_list("variant", "minute", "n")
        )
        ages: dict[int, list[tuple[float, int]]] = {}
        for variant, minute, n in rows:
            # The middle of the minute: what a recipient sent in it has had, on average.
            age = ((now - minute).total_seconds() - 30) / 3600
            ages.setdefault(variant or 0, []).append((max(age, 0.0), n))
        return ages

    def assigned(self, *, run_ids: Sequence[int]) -> dict[int, int]:
        rows = (
            Delivery.objects.filter(run_id__in=run_ids)
            .filter(Q(variant__isnull=False) | Q(status=DeliveryStatus.HELD))
            .values("variant")
            .annotate(n=Count("id"))
            .values_list("variant", "n")
        )
        return {HOLDOUT if variant is None else variant: n for variant, n in rows}
