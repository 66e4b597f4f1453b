"""Absolute URLs of this installation, for mail: built from SITE_URL, never from a request."""

from django.conf import settings
from django.urls import reverse


def url_parts(name: str) -> tuple[str, str]:
    """The absolute URL of a token page around its token, reversed once per run."""
    placeholder = "TOKEN"
    before, after = reverse(name, args=[placeholder]).split(placeholder)
    return settings.SITE_URL + before, after
