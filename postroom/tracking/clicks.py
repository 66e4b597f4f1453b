"""Where a click leads: the registered link's URL with UTM parameters and the visitor token.

Shared by the click view and the WSGI fast path (postroom/tracking/fastpath.py).
Links never change once registered, so each process keeps the ones it has
looked up.
"""

from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils.text import slugify

from postroom.tracking.models import Link
from postroom.tracking.tokens import VISITOR, token_make

LinkTarget = tuple[int, str, str, str]  # campaign id, URL, campaign slug, channel
_CACHED: dict[int, LinkTarget | None] = {}
_CACHE_SIZE: Final = 4096
_UNKNOWN: Final = object()


def link_target(link_id: int) -> LinkTarget | None:
    """The link's campaign id, URL, campaign slug and channel; None for no such link."""
    found = _CACHED.get(link_id, _UNKNOWN)
    if found is not _UNKNOWN:
        return found  # type: ignore[return-value]
    row = (
        Link.objects.filter(pk=link_id)
        .values_list("campaign_id", "url", "campaign__name", "campaign__channel")
        .first()
    )
    target = (row[0], row[1], slugify(row[2])[:60] or str(row[0]), row[3]) if row else None
    if len(_CACHED) >= _CACHE_SIZE:
        _CACHED.clear()
    _CACHED[link_id] = target
    return target


def link_target_cached(link_id: int) -> LinkTarget | None:
    """The link's target if this process has it at hand; None for no link, or not looked up yet."""
    return _CACHED.get(link_id)


def link_cache_clear() -> None:
    _CACHED.clear()


def link_redirects(target: LinkTarget) -> bool:
    """Whether a click is redirected to the link: a web address (an app's deep link is not)."""
    return target[1][:8].lower().startswith(("http://", "https://"))


def click_target(url: str, *, campaign: str, visitor: str, medium: str = "email") -> str:
    """The link's URL with UTM parameters (unless it has its own) and the visitor token."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = {name for name, _value in query}
    added = []
    if settings.TRACKING_UTM:
        for name, value in (
            ("utm_source", "postroom"),
            ("utm_medium", medium),
            ("utm_campaign", campaign),
        ):
            if name not in names:
                added.append((name, value))
    added.append(("pr_v", visitor))
    extra = urlencode(added)
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def click_location(delivery_id: int, target: LinkTarget) -> str:
    _campaign_id, url, slug, channel = target
    return click_target(
        url, campaign=slug, visitor=token_make(VISITOR, delivery_id), medium=channel or "email"
    )
