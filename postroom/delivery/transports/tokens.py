"""Per-delivery tokens: the Return-Path that bounces come back to, and the Message-ID."""

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

from postroom.core.signing import base36 as _base36
from postroom.delivery.transports.mime import ascii_domain

_SALT = b"postroom.delivery.return-path"


@lru_cache(maxsize=8)
def _keyed(secret: str) -> "hmac.HMAC":
    return hmac.new(hashlib.sha256(_SALT + secret.encode()).digest(), digestmod=hashlib.sha256)


def _mac(value: str) -> str:
    state = _keyed(settings.SECRET_KEY).copy()
    state.update(value.encode())
    return state.hexdigest()[:10]


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
