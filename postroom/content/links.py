"""Link checking: every link of a rendered message, checked concurrently with a report.

HEAD first (GET where HEAD is refused), redirects followed one by one so the
chain can be shown, a timeout per request. Links to private, loopback and
link-local addresses are not fetched (the checker must not become a way into
the server's own network) unless LINK_CHECK_ALLOW_PRIVATE is on.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from postroom.core.network import host_is_private

MAX_REDIRECTS = 10
MAX_LINKS = 200  # per check: a template cannot turn the checker into a request cannon
HEAD_REFUSED = {403, 405, 501}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if (
                name == wanted
                and value
                and value.strip().lower().startswith(("http://", "https://"))
            ):
                self.urls.append(value.strip())


def links_extract(html: str) -> list[str]:
    """The distinct http(s) links and images of `html`, in order of appearance."""
    parser = _Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls))[:MAX_LINKS]


@dataclass
class LinkResult:
    url: str
    ok: bool
    status: int | None = None
    final_url: str = ""
    chain: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


async def _check(client: httpx.AsyncClient, url: str) -> LinkResult:
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = LinkResult(url=url, ok=False)
    current = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            host = urlsplit(current).hostname or ""
            if not host:
                raise ValueError("no host")
            if not settings.LINK_CHECK_ALLOW_PRIVATE and await loop.run_in_executor(
                None, host_is_private, host
            ):
                result.error = "private address, not checked"
                break
            response = await client.head(current)
            if response.status_code in HEAD_REFUSED:
                async with client.stream("GET", current) as streamed:
                    response = streamed
            result.status = response.status_code
            if response.is_redirect and "location" in response.headers:
                result.chain.append(current)
                current = urljoin(current, response.headers["location"])
                continue
            result.final_url = current
            result.ok = 200 <= response.status_code < 400
            break
        else:
            result.error = "too many redirects"
    except httpx.TimeoutException:
        result.error = "timeout"
    except httpx.HTTPError as exc:
        result.error = type(exc).__name__
    except (ValueError, UnicodeError, OSError) as exc:  # malformed URLs and host names
        result.error = f"invalid link ({type(exc).__name__})"
    result.seconds = round(loop.time() - started, 3)
    return result


async def _check_all(urls: list[str], timeout: float, concurrency: int) -> list[LinkResult]:
    limits = httpx.Limits(max_connections=concurrency)
    headers = {"User-Agent": "Postroom link checker"}
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(
        timeout=timeout, limits=limits, headers=headers, follow_redirects=False
    ) as client:

        async def one(url: str) -> LinkResult:
            async with semaphore:
                return await _check(client, url)

        return list(await asyncio.gather(*(one(u) for u in urls)))


def links_check(
    urls: list[str], *, timeout: float | None = None, concurrency: int = 8
) -> list[dict[str, Any]]:
    """Check `urls` concurrently; one result per URL, in the same order."""
    if not urls:
        return []
    coroutine = _check_all(urls, timeout or settings.LINK_CHECK_TIMEOUT, concurrency)
    # A thread of its own: callers may already run an event loop (async code, some workers).
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, coroutine).result()
    return [asdict(r) for r in results]
