"""Whether a URL that came from outside (a browser's subscription, a workspace's webhook) may be posted to."""

from urllib.parse import urlsplit

from django.conf import settings

from postroom.core.network import host_is_private


def url_refused(url: str) -> str:
    """Why a URL that came from outside (a subscription, a workspace) may not be posted to; '' if it may.

    Plain http and hosts in private networks only with PUSH_ALLOW_PRIVATE
    (tests, single-team installations).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "not an http(s) URL"
    if settings.PUSH_ALLOW_PRIVATE:
        return ""
    if parts.scheme != "https":
        return "not an https URL"
    if host_is_private(parts.hostname):
        return "the address is in a private network"
    return ""
