"""Who fetched a tracking URL: a person's mail client or browser, or a machine.

Machines are flagged, not dropped: Apple Mail Privacy Protection fetches every
image of every message; corporate link scanners follow every link within
seconds of delivery. Their hits stay in the log and out of the rates.
"""

import hashlib
import ipaddress

from django.conf import settings

MACHINE = frozenset({"privacy", "scanner", "bot"})

_SCANNERS = (
    "barracuda",
    "proofpoint",
    "mimecast",
    "safelinks",
    "bingpreview",
    "urldefense",
    "forcepoint",
    "symantec",
    "trendmicro",
    "sophos",
    "fireeye",
    "cisco",
    "checkpoint",
    "microsoft office",
    "ms-office",
    "python-requests",
    "python-urllib",
    "aiohttp",
    "httpx",
    "curl/",
    "wget/",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "headlesschrome",
    "phantomjs",
    "scanner",
)
_BOTS = ("bot", "spider", "crawler", "preview", "slurp", "facebookexternalhit")
_MOBILE = ("mobile", "iphone", "ipad", "android")
# Apple's own network: where Mail Privacy Protection fetches from.
_APPLE = ipaddress.ip_network("17.0.0.0/8")


def agent_class(user_agent: str, ip: str = "") -> str:
    """privacy, scanner, bot, proxy (a webmail's image proxy: a person opened), mobile, browser, unknown."""
    ua = user_agent.strip().lower()
    if ua == "mozilla/5.0" or _is_apple(ip):
        return "privacy"
    if any(marker in ua for marker in _SCANNERS):
        return "scanner"
    if "googleimageproxy" in ua or "yahoomailproxy" in ua or "ggpht.com" in ua:
        return "proxy"
    if any(marker in ua for marker in _BOTS):
        return "bot"
    if not ua:
        return "unknown"
    if any(marker in ua for marker in _MOBILE):
        return "mobile"
    return "browser" if ua.startswith("mozilla/") else "unknown"


def _is_apple(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in _APPLE
    except ValueError:
        return False


def ip_hash(ip: str) -> str:
    """A keyed hash: visits from one address can be grouped, the address is not stored."""
    if not ip:
        return ""
    return hashlib.blake2b(
        ip.encode(), key=settings.SECRET_KEY.encode()[:64], digest_size=8
    ).hexdigest()
