"""The worker's pre-send checks for a claimed push batch: loaded in two or three queries, decided purely.

A delivery is sent when its subscriber may still be sent to (active, not
suppressed, still on the campaign's lists: `recipients_load`, as for email,
and still in its segment and out of its exclusion segment: `segment_members`),
its device is still valid and still that subscriber's, and it is inside the
campaign's send window in the device's time zone (else the subscriber's).
Outside the window it goes back to the queue until the window opens (no
attempt counted); otherwise it is skipped with the reason.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from postroom.audience.models import Subscriber
from postroom.campaigns.schedule import window_not_before
from postroom.delivery.models import Delivery
from postroom.delivery.sending.claims import Claimed
from postroom.delivery.sending.prepare import RecipientData
from postroom.push.models import Device

GONE = "unsubscribed or suppressed since launch"
LEFT_SEGMENT = "no longer in the campaign's segment"
INVALID = "device invalid or gone since launch"


@dataclass(frozen=True)
class DeviceRow:
    id: int
    subscriber_id: int
    kind: str
    token: str
    p256dh: str
    auth: str
    app_id: str
    locale: str
    time_zone: str


@dataclass(frozen=True)
class Target:
    claimed: Claimed
    device: DeviceRow
    recipient: RecipientData
    time_zone: str  # the zone the window was checked in


@dataclass
class Checked:
    send: list[Target] = field(default_factory=list)
    skip: list[tuple[Claimed, str]] = field(default_factory=list)
    later: list[tuple[Claimed, dt.datetime]] = field(default_factory=list)


def segment_members(
    *, workspace_id: int, run_id: int, subscriber_ids: list[int], condition: Q
) -> set[int]:
    """Which of the batch's subscribers the campaign's segments still take (one query).

    Whoever this run has already sent to stays in: a segment over activity
    ("not received this campaign", "not clicked lately") changes as the run
    sends to a person's first device, and must not drop their other devices.
    """
    if not subscriber_ids:
        return set()
    sent = Delivery.objects.filter(
        run_id=run_id, subscriber_id=OuterRef("pk"), sent_at__isnull=False
    )
    found = Subscriber.objects.filter(workspace_id=workspace_id, pk__in=subscriber_ids)
    return set(found.filter(condition | Q(Exists(sent))).values_list("pk", flat=True))


def devices_load(*, workspace_id: int, device_ids: list[int]) -> dict[int, DeviceRow]:
    """The batch's devices that are still valid (one query)."""
    if not device_ids:
        return {}
    rows = Device.objects.filter(
        workspace_id=workspace_id, pk__in=device_ids, is_valid=True
    ).values_list(
        "id", "subscriber_id", "kind", "token", "p256dh", "auth", "app_id", "locale", "time_zone"
    )
    return {row[0]: DeviceRow(*row) for row in rows}


def batch_check(
    batch: list[Claimed],
    *,
    recipients: dict[int, RecipientData],
    devices: dict[int, DeviceRow],
    window: tuple[dt.time | None, dt.time | None],
    now: dt.datetime,
    in_segments: set[int] | None = None,
) -> Checked:
    """`in_segments`: the subscribers the campaign's segments still take (None: it has none)."""
    checked = Checked()
    start, end = window
    for claimed in batch:
        recipient = recipients.get(claimed.subscriber_id or 0)
        if recipient is None:
            checked.skip.append((claimed, GONE))
            continue
        if in_segments is not None and recipient.subscriber_id not in in_segments:
            checked.skip.append((claimed, LEFT_SEGMENT))
            continue
        device = devices.get(claimed.device_id or 0)
        if device is None or device.subscriber_id != claimed.subscriber_id:
            checked.skip.append((claimed, INVALID))
            continue
        zone = device.time_zone or recipient.time_zone
        opens = window_not_before(now, time_zone=zone, start=start, end=end)
        if opens > now:
            checked.later.append((claimed, opens))
        else:
            checked.send.append(Target(claimed, device, recipient, zone))
    return checked
