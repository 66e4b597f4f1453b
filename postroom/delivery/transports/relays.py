"""Which relay a workspace sends through: its own, the installation's default, or the sandbox."""

from dataclasses import dataclass
from decimal import Decimal
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from django.conf import settings

from postroom.delivery.crypto import secret_decrypt
from postroom.delivery.models import SmtpRelay, TlsMode
from postroom.delivery.transports.base import transport_registered

SANDBOX_KEY = "sandbox"


@dataclass(frozen=True)
class RelayConfig:
    """Everything a worker needs to talk to one relay; `key` names it in shared limits."""

    key: str
    name: str
    host: str = ""
    port: int = 25
    tls: str = TlsMode.NONE
    username: str = ""
    password: str = ""
    max_connections: int = 2
    rate_per_second: int | None = None
    rate_per_minute: int | None = None
    rate_per_hour: int | None = None
    dkim_domain: str = ""
    dkim_selector: str = ""
    dkim_key: str = ""
    # A workspace's own relay: its address is checked against private networks.
    tenant: bool = False
    # The registered transport that sends through it (`postroom.delivery.transports.base`).
    transport: str = "smtp"
    # What 1,000 messages cost (the workspace's CRM currency); None: nothing. The sandbox's is None.
    cost_per_1000: Decimal | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.key == SANDBOX_KEY


SANDBOX = RelayConfig(key=SANDBOX_KEY, name="sandbox", max_connections=4, transport="sandbox")


def relay_config(relay: SmtpRelay) -> RelayConfig:
    return RelayConfig(
        key=f"relay-{relay.pk}",
        name=relay.name,
        host=relay.host,
        port=relay.port,
        tls=relay.tls,
        username=relay.username,
        password=secret_decrypt(relay.password_encrypted),
        max_connections=max(1, relay.max_connections),
        rate_per_second=relay.rate_per_second,
        rate_per_minute=relay.rate_per_minute,
        rate_per_hour=relay.rate_per_hour,
        dkim_domain=relay.dkim_domain,
        dkim_selector=relay.dkim_selector,
        dkim_key=secret_decrypt(relay.dkim_key_encrypted),
        tenant=True,
        cost_per_1000=relay.cost_per_1000,
    )


def default_relay_config(url: str | None = None) -> RelayConfig:
    """The installation's relay from EMAIL_URL (`smtp://`, `smtp+tls://`, `smtp+ssl://`), else the sandbox.

    A scheme that names another registered transport sends through it
    (`postroom.delivery.transports.base.transport_register`).
    """
    parts = urlsplit(url if url is not None else settings.DELIVERY_DEFAULT_RELAY_URL)
    tls = {"smtp": TlsMode.NONE, "smtp+tls": TlsMode.STARTTLS, "smtp+ssl": TlsMode.IMPLICIT}
    if parts.scheme not in tls and parts.scheme not in ("sandbox", "smtp"):
        if transport_registered(parts.scheme):
            return RelayConfig(
                key="default",
                name=parts.hostname or parts.scheme,
                host=parts.hostname or "",
                max_connections=settings.DELIVERY_DEFAULT_RELAY_CONNECTIONS,
                transport=parts.scheme,
                cost_per_1000=settings.DELIVERY_DEFAULT_RELAY_COST_PER_1000,
            )
        return SANDBOX
    if parts.scheme not in tls or not parts.hostname:
        return SANDBOX
    return RelayConfig(
        key="default",
        name=parts.hostname,
        host=parts.hostname,
        port=parts.port or {"smtp+ssl": 465, "smtp+tls": 587}.get(parts.scheme, 25),
        tls=tls[parts.scheme],
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        max_connections=settings.DELIVERY_DEFAULT_RELAY_CONNECTIONS,
        cost_per_1000=settings.DELIVERY_DEFAULT_RELAY_COST_PER_1000,
    )


def relay_for_workspace(workspace_id: int) -> RelayConfig:
    relay = (
        SmtpRelay.objects.filter(workspace_id=workspace_id, is_active=True)
        .order_by("-is_default", "pk")
        .first()
    )
    return relay_config(relay) if relay is not None else default_relay_config()


def installation_sender_domains() -> list[str]:
    """The installation's own domains: DEFAULT_FROM_EMAIL's and SITE_URL's (and their subdomains)."""
    domains = {
        parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2],
        urlsplit(settings.SITE_URL).hostname or "",
    }
    return sorted({d.lower().rstrip(".") for d in domains if d})


def relay_sender_allowed(relay: RelayConfig, from_email: str) -> bool:
    """May mail from `from_email` go through `relay`?

    A workspace's own relay and the sandbox take any From (the relay's owner
    answers for it; the sandbox sends nothing). The installation's relay takes
    only the installation's own domains: it would otherwise send anyone's mail,
    from any bank, under the installation's name and reputation.
    """
    if relay.tenant or relay.is_sandbox:
        return True
    domain = from_email.rpartition("@")[2].lower().rstrip(".")
    return any(domain == d or domain.endswith(f".{d}") for d in installation_sender_domains())
