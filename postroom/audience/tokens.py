"""Signed tokens for the public pages: opaque, tamper-proof, never a raw id.

Links in messages (preferences, unsubscribe) use compact tokens, made for
every recipient of every message; the longer Django-signed ones of earlier
messages are still read.
"""

from django.conf import settings
from django.core import signing

from postroom.core.signing import compact_read, compact_sign

_CONFIRM = "postroom.audience.confirm"
_PREFERENCES = "postroom.audience.preferences"
_UNSUBSCRIBE = "postroom.audience.unsubscribe"


def confirm_token_make(*, subscription_id: int) -> str:
    return signing.dumps(subscription_id, salt=_CONFIRM)


def confirm_token_read(token: str) -> int | None:
    """The subscription to confirm; None when forged or older than the confirmation window."""
    try:
        return int(signing.loads(token, salt=_CONFIRM, max_age=settings.OPTIN_CONFIRM_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def preferences_token_make(*, subscriber_id: int) -> str:
    return compact_sign(_PREFERENCES, subscriber_id)


def preferences_token_read(token: str) -> int | None:
    # No expiry: the link sits in every mail ever sent and must keep working.
    if ":" not in token:
        numbers = compact_read(_PREFERENCES, token, 1)
        return numbers[0] if numbers else None
    try:
        return int(signing.loads(token, salt=_PREFERENCES))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def unsubscribe_token_make(*, subscriber_id: int, list_id: int) -> str:
    return compact_sign(_UNSUBSCRIBE, subscriber_id, list_id)


def unsubscribe_token_read(token: str) -> tuple[int, int] | None:
    if ":" not in token:
        numbers = compact_read(_UNSUBSCRIBE, token, 2)
        return (numbers[0], numbers[1]) if numbers else None
    try:
        subscriber_id, list_id = signing.loads(token, salt=_UNSUBSCRIBE)
        return int(subscriber_id), int(list_id)
    except (signing.BadSignature, TypeError, ValueError):
        return None
