"""Whether a host name leads into the server's own networks (guarding fetches and relays)."""

import ipaddress
import socket


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
