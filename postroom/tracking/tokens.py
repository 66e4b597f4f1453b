"""Opaque signed tokens in tracking links: never a raw id a visitor could change.

`<delivery id in base 36>[.<link id in base 36>].<64-bit MAC>` (see
`postroom.core.signing`), checked without touching the database.
"""

from postroom.core.signing import compact_read, compact_sign

OPEN = "open"
CLICK = "click"
VISITOR = "visitor"
WEB_VIEW = "view"
UNSUBSCRIBE = "unsub"
RECEIVED = "recv"  # a push notification shown on its device


def token_make(purpose: str, delivery_id: int, link_id: int | None = None) -> str:
    if link_id is None:
        return compact_sign(f"tracking.{purpose}", delivery_id)
    return compact_sign(f"tracking.{purpose}", delivery_id, link_id)


def token_read(purpose: str, token: str) -> tuple[int, int | None] | None:
    """(delivery id, link id or None) of a genuine token; None for anything forged or malformed."""
    if len(token) > 64:
        return None
    numbers = compact_read(f"tracking.{purpose}", token, token.count("."))
    if numbers is None or len(numbers) not in (1, 2):
        return None
    return (numbers[0], numbers[1]) if len(numbers) == 2 else (numbers[0], None)
