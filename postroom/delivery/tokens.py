"""Per-delivery tokens: the Return-Path that bounces come back to, and the Message-ID."""

import hashlib
import hmac

from django.conf import settings

from postroom.core.signing import base36 as _base36
from postroom.delivery.mime import ascii_domain

_SALT = b"postroom.delivery.return-path"


def _mac(value: str) -> str:
    key = hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:10]


def return_path_token_make(delivery_id: int) -> str:
    """`<id in base 36>-<mac>`: short enough for a local part, impossible to forge."""
    value = _base36(delivery_id)
    return f"{value}-{_mac(value)}"


def return_path_token_read(token: str) -> int | None:
    value, _, mac = token.lower().partition("-")
    if not value or not hmac.compare_digest(mac, _mac(value)):
        return None
    try:
        return int(value, 36)
    except ValueError:
        return None


def return_path(delivery_id: int, from_email: str) -> str:
    """The envelope sender: `bounces+<token>@<bounce domain>` (the From domain by default)."""
    domain = settings.BOUNCE_DOMAIN or from_email.rpartition("@")[2] or "localhost"
    return f"bounces+{return_path_token_make(delivery_id)}@{ascii_domain(domain)}"


def message_id(delivery_id: int, from_email: str) -> str:
    """The same on every attempt of one delivery, so a copy resent after a crash is recognisable."""
    domain = ascii_domain(from_email.rpartition("@")[2] or "localhost")
    value = _base36(delivery_id)
    return f"<{value}.{_mac('mid' + value)}@{domain}>"


def message_id_read(value: str) -> int | None:
    """The delivery a Message-ID of ours names (any domain); None for anyone else's."""
    local = value.strip().strip("<>").partition("@")[0].lower()
    number, _, mac = local.partition(".")
    if not number or not hmac.compare_digest(mac, _mac("mid" + number)):
        return None
    try:
        return int(number, 36)
    except ValueError:
        return None
