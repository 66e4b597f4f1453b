"""External ids: the customer's own id for a contact, from their app (push-only contacts have no email)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 255


def external_id_clean(raw: str | None) -> str | None:
    """The id as stored: surrounding spaces dropped, None when empty.

    Compared exactly (case matters: it is the app's key, not an address).
    """
    if raw is None:
        return None
    value = raw.strip()
    if not value:
        return None
    if len(value) > MAX_LENGTH:
        raise ValidationError({"external_id": _("At most %(n)s characters.") % {"n": MAX_LENGTH}})
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValidationError({"external_id": _("Control characters are not allowed.")})
    return value
