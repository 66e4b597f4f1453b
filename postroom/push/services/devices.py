"""Devices: registered (again: updated), deleted, and made invalid in bulk from providers' answers."""

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.audience.emails import email_normalize
from postroom.audience.models import Subscriber, SubscriptionSource
from postroom.audience.services.subscribers import subscriber_create, subscriber_find
from postroom.delivery.transports.base import Outgoing, ResultKind, SendResult
from postroom.push.endpoints import url_refused
from postroom.push.models import Device, DeviceKind


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class DeviceFields:
    """What a registration says about a device besides its subscriber, kind and token."""

    p256dh: str = ""
    auth: str = ""
    app_id: str = ""
    platform: str = ""
    locale: str = ""
    time_zone: str = ""


@transaction.atomic
def device_register(
    *,
    subscriber: Subscriber,
    kind: str,
    token: str,
    fields: DeviceFields,
    now: dt.datetime | None = None,
) -> tuple[Device, bool]:
    """Register a device, or update the one the workspace has with that token (valid again, seen now).

    Returns the device and whether it is new. A token registered again moves
    to the subscriber named now: the app knows who holds the phone today.
    """
    now = now or timezone.now()
    values = {
        "subscriber": subscriber,
        "token": token,
        **fields.__dict__,
        "last_seen_at": now,
        "is_valid": True,
        "invalid_reason": "",
        "invalidated_at": None,
    }
    device, created = Device.objects.select_for_update().update_or_create(
        workspace_id=subscriber.workspace_id,
        kind=kind,
        token_hash=token_hash(token),
        defaults=values,
    )
    return device, created


def device_delete(*, device: Device) -> None:
    device.delete()


@dataclass(frozen=True)
class GoneToken:
    kind: str
    token: str
    reason: str


def devices_invalidate(*, workspace_id: int, gone: Iterable[GoneToken], now: dt.datetime) -> int:
    """Mark the devices of RECIPIENT_GONE answers invalid (never sent to again); one UPDATE per reason.

    Returns how many valid devices became invalid.
    """
    by_reason: dict[tuple[str, str], list[str]] = {}
    # (kind, reason) -> hashes; sent in chunks of 500 (SQLite's parameter limit)
    for item in gone:
        by_reason.setdefault((item.kind, item.reason[:255]), []).append(token_hash(item.token))
    changed = 0
    with transaction.atomic():
        for (kind, reason), hashes in by_reason.items():
            for start in range(0, len(hashes), 500):
                changed += Device.objects.filter(
                    workspace_id=workspace_id,
                    kind=kind,
                    token_hash__in=hashes[start : start + 500],
                    is_valid=True,
                ).update(is_valid=False, invalid_reason=reason, invalidated_at=now, updated_at=now)
    return changed


def gone_tokens(*, kind: str, sent: Iterable[tuple[Outgoing, SendResult]]) -> list[GoneToken]:
    """The devices a batch of answers said are gone, with the provider's words as the reason."""
    return [
        GoneToken(kind, message.device.token, result.response)
        for message, result in sent
        if result.kind == ResultKind.RECIPIENT_GONE and message.device is not None
    ]


def registration_subscriber(
    *, workspace: Workspace, email: str = "", external_id: str = "", kind: str, token: str
) -> Subscriber:
    """The contact a registration belongs to, created (source: API) when new.

    Named by external id or email only by a caller the workspace trusts (an API
    token, from the customer's server). Without a name (always, with a public
    registration key) the device gets a push-only contact of its own, known by
    the token's hash: nobody can attach a browser to someone else's contact, and
    an address typed into a public page never joins the email audience.
    """
    if not email and not external_id:
        digest = hashlib.sha256(f"{kind}:{token}".encode()).hexdigest()[:40]
        external_id = f"device:{digest}"
    normalized = None
    if email:
        try:
            normalized = email_normalize(email)
        except ValidationError as exc:
            raise ValidationError({"email": exc.messages}) from exc
    found = subscriber_find(workspace=workspace, email=normalized, external_id=external_id or None)
    if found is not None:
        return found
    try:
        return subscriber_create(
            workspace=workspace,
            email=normalized,
            external_id=external_id or None,
            source=SubscriptionSource.API,
        )
    except ValidationError:
        # Registered by a concurrent request a moment ago.
        found = subscriber_find(
            workspace=workspace, email=normalized, external_id=external_id or None
        )
        if found is None:
            raise
        return found


def device_address_problems(
    *, kind: str, token: str, p256dh: str, auth: str, time_zone: str
) -> dict[str, str]:
    """What is wrong with a registration's address (empty when nothing)."""
    problems: dict[str, str] = {}
    if kind == DeviceKind.WEBPUSH:
        refused = url_refused(token)
        if refused:
            problems["token"] = _("This endpoint cannot be used: %(why)s.") % {"why": refused}
        if not p256dh or not auth:
            problems["keys"] = _("A Web Push subscription needs its p256dh and auth keys.")
    if time_zone:
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems["time_zone"] = _("Unknown time zone.")
    return problems


def device_update(*, device: Device, fields: dict[str, object]) -> Device:
    """Change a device's details (a new token is allowed if no other device of the workspace has it)."""
    for name, value in fields.items():
        setattr(device, name, value)
    device.token_hash = token_hash(device.token)
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"token": _("Another device of this workspace has this token.")}
        ) from exc
    return device
