"""Relays as users manage them: validated, secrets encrypted, never read back."""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from dkim.crypto import parse_pem_private_key

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.core.network import host_is_private
from postroom.delivery.crypto import secret_encrypt
from postroom.delivery.limits import CircuitBreaker
from postroom.delivery.models import SmtpRelay
from postroom.delivery.relays import relay_config

_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$")
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
    "dkim_domain",
    "dkim_selector",
    "is_default",
    "is_active",
)


def _require(actor: Membership) -> None:
    if not actor.has(Perm.RELAY_MANAGE):
        raise PermissionDenied(_("You may not configure relays."))


def _validate(relay: SmtpRelay, dkim_key: str | None) -> None:
    errors: dict[str, str] = {}
    if not _HOST.match(relay.host or ""):
        errors["host"] = _("Enter a host name or an IP address.")
    elif not settings.RELAY_ALLOW_PRIVATE and host_is_private(relay.host):
        errors["host"] = _(
            "This address is in a private network; relays must be reachable on the internet."
        )
    if not 1 <= (relay.port or 0) <= 65535:
        errors["port"] = _("Enter a port between 1 and 65535.")
    if not 1 <= (relay.max_connections or 0) <= 50:
        errors["max_connections"] = _("Between 1 and 50 connections.")
    if bool(relay.dkim_domain) != bool(relay.dkim_selector):
        errors["dkim_selector"] = _("DKIM needs both a domain and a selector.")
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
    **fields: Any,
) -> SmtpRelay:
    """Create or change a relay; `password` / `dkim_key` None keeps the stored one, "" clears it."""
    _require(actor)
    relay = relay or SmtpRelay(workspace=actor.workspace)
    if relay.workspace_id != actor.workspace_id:
        raise PermissionDenied
    for name, value in fields.items():
        if name in FIELDS:
            setattr(relay, name, value)
    _validate(relay, dkim_key)
    if password is not None:
        relay.password_encrypted = secret_encrypt(password)
    if dkim_key is not None:
        relay.dkim_key_encrypted = secret_encrypt(dkim_key.strip())
    relay.save()
    if relay.is_default:
        SmtpRelay.objects.filter(workspace_id=relay.workspace_id).exclude(pk=relay.pk).update(
            is_default=False
        )
    # New settings deserve a fresh chance: forget the breaker's memory of the old ones.
    CircuitBreaker(relay_config(relay)).reset()
    return relay


def relay_delete(*, actor: Membership, relay: SmtpRelay) -> None:
    _require(actor)
    if relay.workspace_id != actor.workspace_id:
        raise PermissionDenied
    relay.delete()
