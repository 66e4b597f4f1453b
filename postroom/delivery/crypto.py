"""Secrets at rest (relay passwords, DKIM keys): Fernet, keyed by FIELD_ENCRYPTION_KEY or SECRET_KEY."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    secret = settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    key = hashlib.sha256(b"postroom.delivery.secrets:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def secret_decrypt(value: str) -> str:
    """The plain secret; empty when none is stored or the key changed since it was stored."""
    if not value:
        return ""
    try:
        return _fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        return ""
