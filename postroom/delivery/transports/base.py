"""The one interface the engine sends through, its typed result, and the registry of transports.

The engine knows `Transport` and `SendResult.kind` only: SMTP, the sandbox and
any later channel (push providers, a webhook) implement the protocol, register
a factory under a name, and are chosen by `RelayConfig.transport`. What a
result means for the delivery (retry when, give up, suppress) is decided from
`kind` alone by `postroom.delivery.sending.policy`; the protocol's own details
(SMTP codes, phases, answers) only go into the attempt log.
"""

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from postroom.delivery.models import AttemptOutcome

if TYPE_CHECKING:  # relays.py asks this module which transports exist
    from postroom.delivery.transports.relays import RelayConfig

_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})\b")


class ResultKind(enum.StrEnum):
    """What an attempt's answer means, whatever the channel."""

    DELIVERED = "delivered"  # taken by the server
    TEMPORARY = "temporary"  # this recipient, later (4xx, greylisting)
    PERMANENT = "permanent"  # refused for good (5xx), the address may still be fine
    RECIPIENT_GONE = "recipient_gone"  # the address itself is bad (5.1.x): never again
    RELAY_DOWN = "relay_down"  # the relay's trouble, not the recipient's: feeds the breaker


_OUTCOME = {
    ResultKind.DELIVERED: AttemptOutcome.SENT,
    ResultKind.TEMPORARY: AttemptOutcome.DEFERRED,
    ResultKind.RELAY_DOWN: AttemptOutcome.DEFERRED,
    ResultKind.PERMANENT: AttemptOutcome.FAILED,
    ResultKind.RECIPIENT_GONE: AttemptOutcome.FAILED,
}


@dataclass
class SendResult:
    """One attempt's answer: its class, and what the attempt log keeps of the server's words."""

    kind: ResultKind
    code: int | None = None
    response: str = ""
    phase: str = ""
    duration_ms: int = 0
    # The connection died after the whole message went out: the server may have taken it.
    maybe_taken: bool = False
    # The peer said when to come back (HTTP Retry-After): a deferral waits that long, not a backoff.
    retry_after: float | None = None

    @property
    def outcome(self) -> str:
        """The attempt log's coarser outcome: sent, deferred or failed."""
        return _OUTCOME[self.kind]

    @property
    def relay_trouble(self) -> bool:
        return self.kind == ResultKind.RELAY_DOWN

    @property
    def enhanced(self) -> str:
        match = _ENHANCED.match(self.response)
        return ".".join(match.groups()) if match else ""


@dataclass(frozen=True)
class DeviceAddress:
    """Where a push goes: a provider token or subscription id, or a Web Push subscription."""

    token: str  # the FCM/APNs token, the OneSignal subscription id, or the Web Push endpoint
    p256dh: str = ""  # Web Push: the subscription's public key (base64url)
    auth: str = ""  # Web Push: the subscription's auth secret (base64url)
    app_id: str = ""


@dataclass(frozen=True)
class Outgoing:
    """A prepared message for one delivery (None for a test send).

    Email: `data` is the MIME message. Push: `data` is the notification as
    UTF-8 JSON (`postroom.push.payloads.Notification`), `recipient` the token
    or endpoint, and `device` the whole address.
    """

    delivery_id: int | None
    sender: str
    recipient: str
    data: bytes
    device: DeviceAddress | None = None


@dataclass(frozen=True)
class Capabilities:
    channel: str  # "email" or "push"
    eight_bit: bool = False  # 8BITMIME: bodies need no transfer encoding


class Transport(Protocol):
    """Sends prepared messages. `send` never raises for what a server does: it returns a result."""

    channel: str

    def capabilities(self) -> Capabilities:
        """What the peer accepts (may connect to find out; never raises)."""
        ...

    def send(self, message: Outgoing) -> SendResult: ...

    def flush(self) -> None:
        """Write what the transport keeps of sent messages; called inside the engine's transaction."""
        ...

    def close(self) -> None:
        """Done with it for this job: a pooled transport goes back to its pool."""
        ...


@dataclass(frozen=True)
class TransportContext:
    workspace_id: int
    timeout: float
    slot: int | None = None  # a relay connection slot held by the job: pool the connection


TransportFactory = Callable[["RelayConfig", TransportContext], Transport]
_FACTORIES: dict[str, TransportFactory] = {}


def transport_register(name: str, factory: TransportFactory) -> None:
    """Make relays whose `transport` is `name` send through what `factory` builds."""
    _FACTORIES[name] = factory


def transport_registered(name: str) -> bool:
    return name in _FACTORIES


def transport_open(relay: "RelayConfig", context: TransportContext) -> Transport:
    try:
        factory = _FACTORIES[relay.transport]
    except KeyError:
        raise LookupError(f"no transport registered as {relay.transport!r}") from None
    return factory(relay, context)
