"""Public pages that show a rendered message: rendered once per message revision, then cached.

Anyone with the link may open an archived campaign or a web view, as often
as they like and from as many clients as they like. Rendering a customer's
template costs far more than answering from the cache, so a page is
rendered once for each revision of its message (a new version, layout or
block gives a new key, which is how a change shows) and served from the
shared cache after that. A message that fails to render is remembered too:
asking again does not render it again. While one request renders a page,
others asking for it are told to come back in a moment rather than render
it in parallel.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from postroom.content.templating import TemplateError

logger = logging.getLogger(__name__)

PAGE_SECONDS = 7 * 24 * 3600
# Long enough for one render under its own limits (RENDER_TIMEOUT_MS per template).
RENDERING_SECONDS = 30
_FAILED = "\x00failed"


@dataclass(frozen=True)
class Page:
    html: str | None  # None: the message cannot be rendered
    busy: bool = False  # another request is rendering it right now


def page_key(kind: str, *parts: Any) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"page:{kind}:{digest}"


def page_cached(*, key: str, render: Callable[[], str]) -> Page:
    """The page under `key`, rendered by `render` only when the cache does not hold it."""
    cached = cache.get(key)
    if cached is not None:
        return Page(None if cached == _FAILED else cached)
    if not cache.add(f"{key}:rendering", 1, RENDERING_SECONDS):
        return Page(None, busy=True)
    try:
        try:
            html = render()
        except TemplateError as exc:
            logger.warning("public page %s not rendered: %s", key, exc)
            html = _FAILED
        cache.set(key, html, PAGE_SECONDS)
    finally:
        cache.delete(f"{key}:rendering")
    return Page(None if html == _FAILED else html)


def page_unavailable(request: HttpRequest, *, busy: bool) -> HttpResponse:
    """The answer when the page cannot be shown: now (503, try again) or at all (404)."""
    response = render(
        request, "tracking/unavailable.html", {"busy": busy}, status=503 if busy else 404
    )
    if busy:
        response["Retry-After"] = "2"
    response["X-Robots-Tag"] = "noindex"
    return response
