"""Registration keys: made (the key shown once), found by the key, revoked."""

import hashlib
import secrets

from django.utils import timezone

from postroom.accounts.models import Workspace
from postroom.push.models import RegistrationKey

PREFIX = "prk_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def registration_key_create(*, workspace: Workspace, name: str) -> tuple[RegistrationKey, str]:
    """A new key and its raw value (only its hash is stored: the caller shows it once)."""
    raw = PREFIX + secrets.token_urlsafe(32)
    key = RegistrationKey.objects.create(
        workspace=workspace, name=name, prefix=raw[: len(PREFIX) + 6], key_hash=_hash(raw)
    )
    return key, raw


def registration_key_find(raw: str) -> RegistrationKey | None:
    """The active key with this value, its use noted; None for an unknown or revoked one."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    key = (
        RegistrationKey.objects.select_related("workspace")
        .filter(key_hash=_hash(raw), is_active=True)
        .first()
    )
    if key is not None:
        RegistrationKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    return key


def registration_key_revoke(*, key: RegistrationKey) -> None:
    key.is_active = False
    key.save(update_fields=["is_active", "updated_at"])
