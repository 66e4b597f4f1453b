"""Where a webhook may be sent: never into the server's own networks, unless allowed.

Checked twice: when an endpoint is saved (its host, literal or resolved) and at
every send, where the host is resolved once, every address checked, and the
request made to the checked address (Host header and TLS name kept), so a name
that changes its answer between the check and the connection (DNS rebinding)
cannot lead inside. Redirects are never followed.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from postroom.core.network import host_is_private


class UrlRefused(Exception):
    """The URL may not be requested; the message says why (shown to the workspace)."""


def url_error(url: str) -> str | None:
    """Why an endpoint may not have this URL (None: it may), at save time."""
    try:
        URLValidator(schemes=["http", "https"])(url)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range
    except (ValidationError, ValueError):
        return _("Enter an http or https URL.")
    if not parts.hostname:
        return _("Enter an http or https URL.")
    if parts.username or parts.password:
        return _("The URL may not contain a user name or password.")
    if not settings.WEBHOOKS_ALLOW_PRIVATE and host_is_private(parts.hostname):
        return _(
            "This address is in a private network; webhooks must be reachable on the internet."
        )
    return None


def _address_private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


@dataclass(frozen=True)
class Target:
    """The URL to connect to (the checked address) and the names the server expects."""

    url: str
    host_header: str
    sni_hostname: str | None


def target_resolve(url: str) -> Target:
    """Resolve the URL's host once and pin the request to a permitted address."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UrlRefused(_("Enter an http or https URL.")) from exc
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise UrlRefused(_("Enter an http or https URL."))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UrlRefused(_("The host name could not be resolved.")) from exc
    # IPv4 first: a host with both is more often reachable over it.
    addresses = sorted({str(info[4][0]) for info in infos}, key=lambda a: (":" in a, a))
    if not settings.WEBHOOKS_ALLOW_PRIVATE and any(_address_private(a) for a in addresses):
        raise UrlRefused(_("The host name leads into a private network."))
    address = addresses[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return Target(pinned, host_header, host if parts.scheme == "https" else None)
