"""The push sandbox: with no provider settings (and PUSH_SANDBOX on), notifications are kept, not sent.

It stands in for the push service, as the mail sandbox stands in for a relay:
each notification is written as JSON (what a Web Push service would carry to
the browser: `Notification.display()`, its tracking URLs included) into an
inbox per device under PUSH_SANDBOX_DIR. The push demo page reads its device's
inbox and hands each notification to its service worker, which shows it as a
real push would be shown; the browser's part is not simulated.
"""

import json
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from postroom.delivery.transports.base import (
    Capabilities,
    Outgoing,
    ResultKind,
    SendResult,
    TransportContext,
    transport_register,
)
from postroom.delivery.transports.relays import RelayConfig
from postroom.push.payloads import Notification
from postroom.push.providers.base import PUSH, no_device
from postroom.push.services.devices import token_hash

# Inbox entries are named "<nanoseconds>-<random>.json": sorted by name is sorted by time.
_NAME_CHARS = frozenset("0123456789abcdef-")
# An inbox keeps the newest entries only: a sandbox left running never fills the disk.
INBOX_KEEP = 50


class SandboxPushTransport:
    channel = "push"

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id

    def capabilities(self) -> Capabilities:
        return PUSH

    def send(self, message: Outgoing) -> SendResult:
        if message.device is None:
            return no_device()
        try:
            notification = Notification.decode(message.data)
        except (ValueError, TypeError) as exc:
            return SendResult(ResultKind.PERMANENT, None, f"not a notification: {exc}", "build")
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        entry = {
            "id": name,
            "delivery_id": message.delivery_id,
            "kept_at": timezone.now().isoformat(),
            "notification": notification.display(),
        }
        folder = _inbox(self.workspace_id, message.device.token)
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f"{name}.part"  # renamed when whole: a reader never sees half an entry
        part.write_text(json.dumps(entry, separators=(",", ":")))
        part.rename(folder / f"{name}.json")
        _prune(folder)
        return SendResult(ResultKind.DELIVERED, 201, "201 kept in the push sandbox", "data")

    def flush(self) -> None:
        """Nothing to record: the files are the sandbox's whole state."""

    def close(self) -> None:
        pass


def sandbox_push_transport_open(
    relay: RelayConfig, context: TransportContext
) -> SandboxPushTransport:
    return SandboxPushTransport(context.workspace_id)


transport_register("push-sandbox", sandbox_push_transport_open)


def sandbox_inbox(*, workspace_id: int, token: str, after: str = "") -> list[dict[str, Any]]:
    """The device's kept notifications newer than the entry named `after`, oldest first (at most 20)."""
    folder = _inbox(workspace_id, token)
    if not folder.is_dir():
        return []
    after = after if after and set(after) <= _NAME_CHARS else ""
    names = sorted(p.stem for p in folder.glob("*.json") if p.stem > after)[:20]
    entries = []
    for name in names:
        try:
            entries.append(json.loads((folder / f"{name}.json").read_text()))
        except (OSError, ValueError):  # removed meanwhile
            continue
    return entries


def _prune(folder: Path) -> None:
    """Drop all but the INBOX_KEEP newest entries of an inbox."""
    entries = sorted(folder.glob("*.json"))
    for old in entries[: max(len(entries) - INBOX_KEEP, 0)]:
        old.unlink(missing_ok=True)  # a concurrent send may have pruned it


def _inbox(workspace_id: int, token: str) -> Path:
    return Path(settings.PUSH_SANDBOX_DIR) / str(workspace_id) / token_hash(token)


def sandbox_inbox_last(*, workspace_id: int, token: str) -> str:
    """The newest entry's id ("" when none): a page shows only what arrives after it."""
    folder = _inbox(workspace_id, token)
    if not folder.is_dir():
        return ""
    return max((p.stem for p in folder.glob("*.json")), default="")
