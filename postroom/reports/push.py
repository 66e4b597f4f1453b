"""A push campaign's report: sent, delivered, failed by reason, clicked, invalid tokens removed.

Counted from the deliveries with set-based queries: one grouped query by
variant and device (its kind and platform, joined through `Delivery.device_id`)
gives every figure per group, one more the failure reasons; totals, variants
and platforms are sums of those few group rows. Nothing is cached, so the page
that refreshes while the campaign sends (`report_live`) shows the figures as
they are.

- sent: accepted by the provider;
- delivered: shown on the device (the service worker's or app's receipt) or
  confirmed by the provider's receipt (OneSignal);
- failed: refused when sent (by the provider's answer, the reason) or reported
  undelivered by the provider's receipt afterwards;
- clicked: tapped (a person's click through the tracked URL, or the provider's
  click figure), once per delivery;
- invalid tokens removed: failed deliveries whose device was found invalid
  since the run began (the provider said the token is gone).
"""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _

from postroom.campaigns.models import Campaign
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.push.models import Device, DeviceKind
from postroom.tracking.models import Event, EventKind

FIGURES = ("sent", "delivered", "failed", "clicked", "invalidated")
REASONS = 10
_REASON_LENGTH = 120


def _ratio(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _deliveries(campaign: Campaign, run_id: int | None) -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(run__campaign=campaign, device_id__isnull=False)
    return rows.filter(run_id=run_id) if run_id else rows


def _event(kind: str, **more: Any) -> Exists:
    return Exists(Event.objects.filter(delivery_id=OuterRef("pk"), kind=kind, **more))


def _device(field: str) -> Coalesce:
    found = Subquery(Device.objects.filter(pk=OuterRef("device_id")).values(field)[:1])
    return Coalesce(found, Value(""))


def _groups(rows: QuerySet[Delivery]) -> list[dict[str, Any]]:
    """Every figure per (variant, device kind, platform): a handful of rows."""
    gone = Exists(
        Device.objects.filter(
            pk=OuterRef("device_id"),
            is_valid=False,
            invalidated_at__gte=OuterRef("run__created_at"),
        )
    )
    sent = Q(status=DeliveryStatus.SENT)
    failed = Q(status=DeliveryStatus.FAILED)
    refused = sent & Q(was_refused=True, was_received=False, was_clicked=False)
    grouped = (
        rows.annotate(
            device_kind=_device("kind"),
            device_platform=_device("platform"),
            was_received=_event(EventKind.RECEIVED),
            was_refused=_event(EventKind.FAILED),
            was_clicked=_event(EventKind.CLICK, machine=False),
            was_gone=gone,
        )
        .values("variant", "device_kind", "device_platform")
        .annotate(
            sent=Count("pk", filter=sent),
            delivered=Count("pk", filter=sent & (Q(was_received=True) | Q(was_clicked=True))),
            failed=Count("pk", filter=failed | refused),
            undelivered=Count("pk", filter=refused),
            clicked=Count("pk", filter=Q(was_clicked=True)),
            invalidated=Count("pk", filter=failed & Q(was_gone=True)),
        )
        .order_by("variant", "device_kind", "device_platform")
    )
    return [dict(row) for row in grouped]


def _reasons(rows: QuerySet[Delivery], undelivered: int) -> list[dict[str, Any]]:
    """The most frequent answers of failed sends, and the provider's undelivered receipts."""
    found = [
        {"reason": row["reason"] or _("No answer recorded"), "count": row["count"]}
        for row in rows.filter(status=DeliveryStatus.FAILED)
        .annotate(reason=Substr("last_response", 1, _REASON_LENGTH))
        .values("reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "reason")[:REASONS]
    ]
    if undelivered:
        found.append({"reason": _("Not delivered (the provider's receipt)"), "count": undelivered})
    return sorted(found, key=lambda r: -r["count"])


def _with_rates(figures: dict[str, Any]) -> dict[str, Any]:
    figures["rates"] = {
        "delivered": _ratio(figures["delivered"], figures["sent"]),
        "failed": _ratio(figures["failed"], figures["sent"] + figures["failed"]),
        "clicked": _ratio(figures["clicked"], figures["delivered"] or figures["sent"]),
    }
    return figures


def _sum(groups: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    summed: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for group in groups:
        for name in FIGURES:
            summed[key(group)][name] += group[name]
    return [{"key": k, **v} for k, v in summed.items()]


def _letter(variant: int | None) -> str:
    """An experiment's name for its variant (`Variant.letter`); "" for none."""
    return chr(ord("A") + variant - 1) if variant else ""


def push_report(campaign: Campaign, *, run_id: int | None = None) -> dict[str, Any]:
    """The figures of a push campaign (or one run): totals, per variant, per platform, reasons."""
    rows = _deliveries(campaign, run_id)
    groups = _groups(rows)
    totals = dict.fromkeys(FIGURES, 0)
    for group in groups:
        for name in FIGURES:
            totals[name] += group[name]
    kinds = dict(DeviceKind.choices)
    variants = [
        _with_rates({"variant": row["key"], "letter": _letter(row.pop("key")), **row})
        for row in _sum(groups, lambda g: g["variant"])
    ]
    platforms = [
        _with_rates(
            {
                "kind": row["key"][0],
                "kind_label": str(kinds.get(row["key"][0], row["key"][0])),
                "platform": row.pop("key")[1],
                **row,
            }
        )
        for row in _sum(groups, lambda g: (g["device_kind"], g["device_platform"]))
    ]
    undelivered = sum(g["undelivered"] for g in groups)
    return {
        "totals": _with_rates(totals),
        "variants": variants if any(v["variant"] is not None for v in variants) else [],
        "platforms": platforms,
        "reasons": _reasons(rows, undelivered) if totals["failed"] else [],
    }
