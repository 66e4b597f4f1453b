"""Compact signed tokens: numbers in base 36 and a 64-bit keyed BLAKE2b MAC.

`12.3f.Xy_-…`: short enough for every link of every message, checked without
the database, never a raw id a visitor could change. Each purpose has its own
key, so a token made for one purpose means nothing to another.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_LENGTH = 96


@lru_cache(maxsize=4096)  # a message's tokens repeat its delivery id, every message its link ids
def base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if number == 0:
            return out


@lru_cache(maxsize=64)
def _keyed(purpose: str, secret: str) -> hashlib.blake2b:
    """A keyed BLAKE2b state per purpose; copying it skips hashing the key block again."""
    key = hashlib.sha256(f"postroom.{purpose}:{secret}".encode()).digest()
    return hashlib.blake2b(key=key, digest_size=8)


def _mac(purpose: str, value: str) -> str:
    # Keyed BLAKE2b is a MAC in its own right (RFC 7693), at a quarter of HMAC-SHA256's
    # cost: a message carries several of these per recipient.
    state = _keyed(purpose, settings.SECRET_KEY).copy()
    state.update(value.encode())
    return base64.urlsafe_b64encode(state.digest()).decode().rstrip("=")


def compact_sign(purpose: str, *numbers: int) -> str:
    value = ".".join(base36(number) for number in numbers)
    return f"{value}.{_mac(purpose, value)}"


def compact_read(purpose: str, token: str, count: int) -> tuple[int, ...] | None:
    """The `count` numbers of a genuine token; None for anything forged or malformed."""
    if len(token) > MAX_LENGTH:
        return None
    value, _, mac = token.rpartition(".")
    if not value or not hmac.compare_digest(mac.encode(), _mac(purpose, value).encode()):
        return None
    parts = value.split(".")
    if len(parts) != count:
        return None
    try:
        return tuple(int(part, 36) for part in parts)
    except ValueError:
        return None
