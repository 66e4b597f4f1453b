"""Signed, expiring tokens for workspace invitation links."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse

from postroom.accounts.models import Invitation

_SALT = "postroom.accounts.invitation"


def invitation_token_make(*, invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a token names; None when forged, expired, used or revoked."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=data.get("i"), email=data.get("e"))
        .first()
    )
    if invitation is None or not invitation.is_open:
        return None
    return invitation


def invitation_accept_url(request: HttpRequest) -> str:
    """The absolute acceptance URL with `{token}` where each invitation's token goes."""
    return request.build_absolute_uri(reverse("invitation_accept", args=["TOKEN"])).replace(
        "TOKEN", "{token}"
    )
