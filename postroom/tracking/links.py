"""Tracked links: registered once per run, rewritten per recipient with plain string work.

A link is tracked when its URL is the same for every recipient (literal in
the source, or identical in contrasting sample renders) and is http(s).
Personalized URLs, `mailto:` and links marked `data-notrack` go out as
written. The click redirect only ever leads to a registered URL of the
delivery's campaign, so it cannot serve as an open redirect.
"""

import hashlib
import re
from collections.abc import Iterable
from html import unescape

from django.conf import settings
from django.urls import reverse

from postroom.campaigns.models import Campaign
from postroom.tracking.models import Link
from postroom.tracking.tokens import CLICK, OPEN, token_make

ANCHOR = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2([^>]*>)""", re.I | re.S)
TEXT_URL = re.compile(r"""https?://[^\s<>\[\]()"']+""")
MAX_LINKS = 200


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def _opted_out(match: re.Match[str]) -> bool:
    return "data-notrack" in match.group(1).lower() or "data-notrack" in match.group(4).lower()


def _trackable(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and len(url) <= 2000


def hrefs(html: str) -> list[str]:
    """The http(s) anchor URLs of `html` (unescaped), in order, without `data-notrack` ones."""
    found = []
    for match in ANCHOR.finditer(html):
        if _opted_out(match):
            continue
        url = unescape(match.group(3)).strip()
        if _trackable(url) and "{{" not in url and "{%" not in url:
            found.append(url)
    return list(dict.fromkeys(found))


def links_register(campaign: Campaign, urls: Iterable[str]) -> dict[str, int]:
    """Link ids of `urls` for `campaign`, creating the missing ones: {url: id}."""
    wanted = list(dict.fromkeys(urls))[:MAX_LINKS]
    if not wanted:
        return {}
    hashes = {url_hash(url): url for url in wanted}
    Link.objects.bulk_create(
        [
            Link(campaign=campaign, url=url, url_hash=digest, position=position)
            for position, (digest, url) in enumerate(hashes.items())
        ],
        ignore_conflicts=True,
    )
    rows = Link.objects.filter(campaign=campaign, url_hash__in=list(hashes)).values_list(
        "url_hash", "id"
    )
    return {hashes[digest]: pk for digest, pk in rows}


def url_parts(name: str) -> tuple[str, str]:
    """The absolute URL of a token page around its token, reversed once per run."""
    placeholder = "TOKEN"
    before, after = reverse(name, args=[placeholder]).split(placeholder)
    return settings.SITE_URL + before, after


class Rewriter:
    """Per-recipient tracking of one run: click links, the open pixel."""

    def __init__(self, links: dict[str, int], *, clicks: bool, opens: bool) -> None:
        self.links = links if clicks else {}
        self.opens = opens
        self.click_url = url_parts("tracking_click")
        self.open_url = url_parts("tracking_open")

    def click(self, delivery_id: int, link_id: int) -> str:
        return token_make(CLICK, delivery_id, link_id).join(self.click_url)

    def html(self, html: str, delivery_id: int) -> str:
        if self.links:
            links = self.links

            def tracked(match: re.Match[str]) -> str:
                raw = match.group(3)
                url = (unescape(raw) if "&" in raw else raw).strip()
                link_id = links.get(url)
                if link_id is None or _opted_out(match):
                    return match.group(0)
                quote = match.group(2)
                return (
                    f"{match.group(1)}{quote}{self.click(delivery_id, link_id)}{quote}"
                    f"{match.group(4)}"
                )

            html = ANCHOR.sub(tracked, html)
        if self.opens:
            pixel = (
                f'<img src="{token_make(OPEN, delivery_id).join(self.open_url)}" width="1" '
                'height="1" alt="" style="display:block;border:0;width:1px;height:1px">'
            )
            end = html.lower().rfind("</body>")
            html = f"{html[:end]}{pixel}{html[end:]}" if end >= 0 else html + pixel
        return html

    def text(self, text: str, delivery_id: int) -> str:
        if not self.links:
            return text
        links = self.links

        def tracked(match: re.Match[str]) -> str:
            url = match.group(0)
            trail = ""
            while url and url[-1] in ".,;:!?":
                url, trail = url[:-1], url[-1] + trail
            link_id = links.get(url)
            return match.group(0) if link_id is None else self.click(delivery_id, link_id) + trail

        return TEXT_URL.sub(tracked, text)
