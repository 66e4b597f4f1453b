"""Whether a host name leads into the server's own networks (guarding fetches and relays)."""

import ipaddress
import socket
from collections.abc import Mapping
from typing import Any


def host_is_private(host: str) -> bool:
    """True when any address of `host` is not routable on the internet.

    Private, loopback, link-local, shared (100.64/10, cloud metadata),
    multicast and reserved ranges all count. An unresolvable host is not
    private: connecting to it fails by itself.
    """
    try:
        infos = socket.getaddrinfo(host.strip("[]"), None)
    except (socket.gaierror, UnicodeError):
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            return True
    return False


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address, by the rule of the API's throttles (DRF's `get_ident`).

    With `NUM_PROXIES` = 0, REMOTE_ADDR (X-Forwarded-For could be forged);
    behind N proxies, the address the outermost of them saw: the Nth entry
    from the right of X-Forwarded-For, which the proxies append to.
    """
    from rest_framework.settings import api_settings

    remote = str(meta.get("REMOTE_ADDR", ""))
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    proxies = api_settings.NUM_PROXIES
    if not proxies or not forwarded:
        return remote
    entries = str(forwarded).split(",")
    return entries[-min(proxies, len(entries))].strip()
