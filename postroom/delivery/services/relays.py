"""Relays as users manage them: validated, secrets encrypted, never read back."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from dkim.crypto import parse_pem_private_key

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.core.network import host_is_private
from postroom.core.unset import UNSET, Unset, fields_assign
from postroom.delivery.crypto import secret_encrypt
from postroom.delivery.models import COST_DIGITS, COST_PLACES, MailboxProtocol, SmtpRelay
from postroom.delivery.sending.limits import CircuitBreaker
from postroom.delivery.transports.relays import relay_config

_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$")
COST_LIMIT = Decimal(10) ** (COST_DIGITS - COST_PLACES)
# What users set on a relay: the form, the serializer and `relay_save` name the same ones.
FIELDS = (
    "name",
    "host",
    "port",
    "tls",
    "username",
    "max_connections",
    "rate_per_second",
    "rate_per_minute",
    "rate_per_hour",
    "cost_per_1000",
    "dkim_domain",
    "dkim_selector",
    "is_default",
    "is_active",
    "mailbox_protocol",
    "mailbox_host",
    "mailbox_port",
    "mailbox_tls",
    "mailbox_username",
    "mailbox_folder",
)


def _require(actor: Membership) -> None:
    if not actor.has(Perm.RELAY_MANAGE):
        raise PermissionDenied(_("You may not configure relays."))


def _host_error(host: str) -> str | None:
    if not _HOST.match(host or ""):
        return _("Enter a host name or an IP address.")
    if not settings.RELAY_ALLOW_PRIVATE and host_is_private(host):
        return _("This address is in a private network; relays must be reachable on the internet.")
    return None


def _validate_mailbox(relay: SmtpRelay, errors: dict[str, str]) -> None:
    if relay.mailbox_protocol == MailboxProtocol.NONE:
        return
    host_error = _host_error(relay.mailbox_host)
    if host_error:
        errors["mailbox_host"] = host_error
    if relay.mailbox_port is not None and not 1 <= relay.mailbox_port <= 65535:
        errors["mailbox_port"] = _("Enter a port between 1 and 65535.")
    if not relay.mailbox_username:
        errors["mailbox_username"] = _("The mailbox needs a username.")
    if relay.mailbox_protocol == MailboxProtocol.IMAP and not relay.mailbox_folder:
        relay.mailbox_folder = "INBOX"


def _cost_error(relay: SmtpRelay) -> str | None:
    """Checks the cost per 1,000 messages and keeps it to its four places."""
    if relay.cost_per_1000 is None:
        return None
    cost = Decimal(relay.cost_per_1000)
    if not cost.is_finite() or not 0 <= cost < COST_LIMIT:
        return _("Enter a cost between 0 and 999,999.9999.")
    relay.cost_per_1000 = cost.quantize(Decimal(1).scaleb(-COST_PLACES), ROUND_HALF_UP)
    return None


def _validate(relay: SmtpRelay, dkim_key: str | None) -> None:
    errors: dict[str, str] = {}
    host_error = _host_error(relay.host)
    if host_error:
        errors["host"] = host_error
    if not 1 <= (relay.port or 0) <= 65535:
        errors["port"] = _("Enter a port between 1 and 65535.")
    if not 1 <= (relay.max_connections or 0) <= 50:
        errors["max_connections"] = _("Between 1 and 50 connections.")
    cost_error = _cost_error(relay)
    if cost_error:
        errors["cost_per_1000"] = cost_error
    if bool(relay.dkim_domain) != bool(relay.dkim_selector):
        errors["dkim_selector"] = _("DKIM needs both a domain and a selector.")
    _validate_mailbox(relay, errors)
    if dkim_key:
        try:
            parse_pem_private_key(dkim_key.strip().encode())
        except Exception:
            errors["dkim_key"] = _("Paste the private key in PEM format.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def relay_save(
    *,
    actor: Membership,
    relay: SmtpRelay | None = None,
    password: str | None = None,
    dkim_key: str | None = None,
    mailbox_password: str | None = None,
    name: str | Unset = UNSET,
    host: str | Unset = UNSET,
    port: int | Unset = UNSET,
    tls: str | Unset = UNSET,
    username: str | Unset = UNSET,
    max_connections: int | Unset = UNSET,
    rate_per_second: int | Unset | None = UNSET,
    rate_per_minute: int | Unset | None = UNSET,
    rate_per_hour: int | Unset | None = UNSET,
    cost_per_1000: Decimal | Unset | None = UNSET,
    dkim_domain: str | Unset = UNSET,
    dkim_selector: str | Unset = UNSET,
    is_default: bool | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    mailbox_protocol: str | Unset = UNSET,
    mailbox_host: str | Unset = UNSET,
    mailbox_port: int | Unset | None = UNSET,
    mailbox_tls: str | Unset = UNSET,
    mailbox_username: str | Unset = UNSET,
    mailbox_folder: str | Unset = UNSET,
) -> SmtpRelay:
    """Create or change a relay: the settings in `FIELDS` (those left UNSET keep their value)
    and the secrets (`password`, `dkim_key`, `mailbox_password`: None keeps the stored
    one, "" clears it)."""
    _require(actor)
    relay = relay or SmtpRelay(workspace=actor.workspace)
    if relay.workspace_id != actor.workspace_id:
        raise PermissionDenied
    fields_assign(
        relay,
        name=name,
        host=host,
        port=port,
        tls=tls,
        username=username,
        max_connections=max_connections,
        rate_per_second=rate_per_second,
        rate_per_minute=rate_per_minute,
        rate_per_hour=rate_per_hour,
        cost_per_1000=cost_per_1000,
        dkim_domain=dkim_domain,
        dkim_selector=dkim_selector,
        is_default=is_default,
        is_active=is_active,
        mailbox_protocol=mailbox_protocol,
        mailbox_host=mailbox_host,
        mailbox_port=mailbox_port,
        mailbox_tls=mailbox_tls,
        mailbox_username=mailbox_username,
        mailbox_folder=mailbox_folder,
    )
    _validate(relay, dkim_key)
    _secrets_store(relay, password=password, dkim_key=dkim_key, mailbox_password=mailbox_password)
    relay.save()
    if relay.is_default:
        SmtpRelay.objects.filter(workspace_id=relay.workspace_id).exclude(pk=relay.pk).update(
            is_default=False
        )
    # New settings deserve a fresh chance: forget the breaker's memory of the old ones.
    CircuitBreaker(relay_config(relay)).reset()
    return relay


def _secrets_store(
    relay: SmtpRelay, *, password: str | None, dkim_key: str | None, mailbox_password: str | None
) -> None:
    """Encrypt the secrets given; None keeps the stored one."""
    if password is not None:
        relay.password_encrypted = secret_encrypt(password)
    if dkim_key is not None:
        relay.dkim_key_encrypted = secret_encrypt(dkim_key.strip())
    if mailbox_password is not None:
        relay.mailbox_password_encrypted = secret_encrypt(mailbox_password)


def relay_delete(*, actor: Membership, relay: SmtpRelay) -> None:
    _require(actor)
    if relay.workspace_id != actor.workspace_id:
        raise PermissionDenied
    relay.delete()


def relay_mailbox_poll(*, actor: Membership, relay: SmtpRelay) -> None:
    """Read the relay's bounce mailbox now, in a worker (after the current transaction)."""
    from postroom.delivery.tasks import mailbox_poll_job

    _require(actor)
    if relay.workspace_id != actor.workspace_id:
        raise PermissionDenied
    if relay.mailbox_protocol == MailboxProtocol.NONE:
        raise ValidationError(_("This relay has no bounce mailbox."))
    relay_id = relay.pk
    transaction.on_commit(lambda: mailbox_poll_job(relay_id))
