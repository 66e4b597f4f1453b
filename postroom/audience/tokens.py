"""Signed tokens for the public pages: opaque, tamper-proof, never a raw id."""

from django.conf import settings
from django.core import signing

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
    return signing.dumps(subscriber_id, salt=_PREFERENCES)


def preferences_token_read(token: str) -> int | None:
    # No expiry: the link sits in every mail ever sent and must keep working.
    try:
        return int(signing.loads(token, salt=_PREFERENCES))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def unsubscribe_token_make(*, subscriber_id: int, list_id: int) -> str:
    return signing.dumps([subscriber_id, list_id], salt=_UNSUBSCRIBE)


def unsubscribe_token_read(token: str) -> tuple[int, int] | None:
    try:
        subscriber_id, list_id = signing.loads(token, salt=_UNSUBSCRIBE)
        return int(subscriber_id), int(list_id)
    except (signing.BadSignature, TypeError, ValueError):
        return None
