from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.audience.emails import email_normalize
from postroom.audience.models import Suppression


def suppression_parse(value: str) -> tuple[str, str]:
    """`(email, "")` for an address, `("", domain)` for `@domain` or a bare domain."""
    value = value.strip().lower()
    if not value:
        raise ValidationError(_("Enter an address or a domain."))
    if "@" in value.lstrip("@"):
        return email_normalize(value), ""
    domain = value.lstrip("@").strip(".")
    if "." not in domain or any(c.isspace() for c in domain):
        raise ValidationError(_("“%(value)s” is not a domain.") % {"value": value})
    return "", domain


@transaction.atomic
def suppression_add(
    *, workspace: Workspace, value: str, reason: str, note: str = ""
) -> Suppression:
    """Suppress an address or a whole domain; adding it again keeps the first entry."""
    email, domain = suppression_parse(value)
    suppression, _created = Suppression.objects.get_or_create(
        workspace=workspace, email=email, domain=domain, defaults={"reason": reason, "note": note}
    )
    return suppression


def suppression_remove(*, suppression: Suppression) -> None:
    suppression.delete()
