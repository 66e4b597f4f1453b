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

from postroom.campaigns.models import Campaign
from postroom.core.siteurls import url_parts
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


_URL_STOP = frozenset(" \t\r\n\f\v<>[]()\"'")
_TRAIL = ".,;:!?"


def _ends_url(rest: str) -> bool:
    """Whether a URL found in text ends where `rest` starts (TEXT_URL's own rule)."""
    rest = rest.lstrip(_TRAIL)
    return not rest or rest[0] in _URL_STOP


class Rewriter:
    """Per-recipient tracking of one run: click links, the open pixel.

    `learn` finds, in a render of the message, the exact `href="…"` text of each
    tracked link; each recipient's HTML then costs one `str.replace` per link
    instead of a regular expression over the whole message. When the text is
    ambiguous (the same URL also in an anchor marked `data-notrack`, or outside
    anchors), the regular expression serves.
    """

    def __init__(self, links: dict[str, int], *, clicks: bool, opens: bool) -> None:
        self.links = links if clicks else {}
        self.opens = opens
        self.click_url = url_parts("tracking_click")
        self.open_url = url_parts("tracking_open")
        self.needles: list[tuple[str, str, int]] | None = None  # (needle, quote, link id)
        self.needle_re: re.Pattern[str] | None = None
        self._made_for = -1
        self._made: dict[int, str] = {}
        self.by_needle: dict[str, tuple[str, int]] = {}
        # Longest first: a URL that starts another one must not take its place.
        self.text_urls = sorted(self.links.items(), key=lambda item: -len(item[0]))

    def learn(self, sample_html: str) -> None:
        """Use plain replacement for the links as they appear in `sample_html`, if exact."""
        needles: dict[str, tuple[str, int]] = {}
        seen: dict[str, int] = {}
        for match in ANCHOR.finditer(sample_html):
            raw = match.group(3)
            link_id = self.links.get((unescape(raw) if "&" in raw else raw).strip())
            if link_id is None:
                continue
            if _opted_out(match):
                return
            head, quote = match.group(1), match.group(2)
            needle = head[head.lower().rfind("href") :] + quote + raw + quote
            if not needle.startswith("href"):  # HREF=…: the full scan handles any case
                return
            if needles.setdefault(needle, (quote, link_id)) != (quote, link_id):
                return
            seen[needle] = seen.get(needle, 0) + 1
        # Each needle must stand only where a tracked anchor does.
        if any(sample_html.count(needle) != count for needle, count in seen.items()):
            return
        self.needles = [(needle, quote, link) for needle, (quote, link) in needles.items()]
        # One scan for all of them, anchored on the literal "href" they share.
        self.needle_re = re.compile(
            "href(?:" + "|".join(re.escape(needle[4:]) for needle in needles) + ")"
        )
        self.by_needle = needles

    def click(self, delivery_id: int, link_id: int) -> str:
        """A link's click URL for one delivery, made once for its HTML and text parts."""
        if delivery_id != self._made_for:
            self._made_for, self._made = delivery_id, {}
        url = self._made.get(link_id)
        if url is None:
            url = self._made[link_id] = token_make(CLICK, delivery_id, link_id).join(self.click_url)
        return url

    def html(self, html: str, delivery_id: int) -> str:
        if self.needles is not None:
            by_needle, made = self.by_needle, {}

            def swapped(match: re.Match[str]) -> str:
                found = match.group(0)
                if found not in made:
                    quote, link_id = by_needle[found]
                    made[found] = f"href={quote}{self.click(delivery_id, link_id)}{quote}"
                return made[found]

            if self.needle_re is not None and self.needles:
                html = self.needle_re.sub(swapped, html)
        elif self.links:
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
            end = html.rfind("</body>")
            if end < 0:
                end = html.lower().rfind("</body>")
            html = f"{html[:end]}{pixel}{html[end:]}" if end >= 0 else html + pixel
        return html

    def text(self, text: str, delivery_id: int) -> str:
        """Tracked URLs of the text part, where they stand as whole URLs."""
        for url, link_id in self.text_urls:
            if url not in text:
                continue
            parts = text.split(url)
            out = [parts[0]]
            new = ""
            for i, rest in enumerate(parts[1:], 1):
                before = parts[i - 1]
                # A whole URL: not the tail of a longer one, not the start of one.
                whole = _ends_url(rest) and (not before or before[-1] in _URL_STOP)
                if whole and not new:
                    new = self.click(delivery_id, link_id)
                out.append(new if whole else url)
                out.append(rest)
            text = "".join(out)
        return text
