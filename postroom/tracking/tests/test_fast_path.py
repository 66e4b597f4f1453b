"""The WSGI fast path answers the pixel and genuine clicks as Django would, and leaves the rest to it.

The test client goes through Django's handler, not config.wsgi, so these tests
call the WSGI callables themselves with the same environ.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from postroom.tracking.buffer import hits_flush
from postroom.tracking.fastpath import TrackingFastPath
from postroom.tracking.models import Event, EventKind
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
Answer = tuple[str, list[tuple[str, str]], bytes]


class Recording:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.calls += 1
        return self.handler(environ, start_response)


@contextmanager
def in_test_transaction() -> Iterator[None]:
    # As the test client does: the handler must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(app: Any, environ: dict[str, Any]) -> Answer:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer.update(status=status, headers=headers)

    with in_test_transaction():
        body = app(dict(environ), start_response)
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
    return answer["status"], answer["headers"], content


def environ(path: str, method: str = "GET", **extra: Any) -> dict[str, Any]:
    return RequestFactory().generic(method, path, HTTP_USER_AGENT=UA, **extra).environ


def assert_same(fast: Answer, django: Answer) -> None:
    assert fast[0] == django[0]
    assert sorted(_stable(fast[1])) == sorted(_stable(django[1]))
    csrf = rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"'
    assert re.sub(csrf, b"", fast[2]) == re.sub(csrf, b"", django[2])


def _stable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # The 404 page sets a new CSRF cookie each time.
    return [(k, re.sub("csrftoken=[^;]+", "csrftoken=x", v)) for k, v in headers]


@pytest.fixture
def sent(owner, smtp_server) -> tuple[str, list[str]]:
    _campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=1)
    html = html_of(message_for(smtp_server, subscribers[0].email))
    return paths(html, "o")[0], paths(html, "c")


def test_it_answers_the_pixel_itself_exactly_as_django(sent):
    pixel, _clicks = sent
    django = Recording()
    fast = TrackingFastPath(django)
    forged = pixel[:-3] + ("A" if pixel[-3] != "A" else "B") + pixel[-2:]
    requests = [
        environ(pixel),
        environ(pixel, "HEAD"),
        environ(pixel, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5"),
        environ(pixel, HTTP_COOKIE="django_language=ru; other=1"),
        environ(forged),
    ]

    for request in requests:
        assert_same(call(fast, request), call(django.handler, request))

    assert django.calls == 0
    assert dict(call(fast, requests[2])[1])["Content-Language"] == "ru"
    hits_flush()
    # Each genuine request was counted twice (fast path and Django), the forged one never.
    assert Event.objects.filter(kind=EventKind.OPEN).count() == 4 * 2 + 1


def test_it_answers_clicks_on_links_it_knows_exactly_as_django(sent):
    _pixel, clicks = sent
    django = Recording()
    fast = TrackingFastPath(django)

    first = call(fast, environ(clicks[0]))  # the link is looked up through Django once
    again = call(fast, environ(clicks[0]))

    assert django.calls == 1
    assert first[0] == "302 Found" and dict(first[1])["Referrer-Policy"] == "no-referrer"
    assert_same(again, first)
    assert_same(again, call(django.handler, environ(clicks[0])))
    assert_same(
        call(fast, environ(clicks[0], "HEAD")), call(django.handler, environ(clicks[0], "HEAD"))
    )
    assert django.calls == 1
    hits_flush()
    assert Event.objects.filter(kind=EventKind.CLICK).count() == 5


def test_it_leaves_unusual_requests_to_django(sent, settings):
    pixel, clicks = sent
    django = Recording()
    fast = TrackingFastPath(django)
    forged_click = clicks[0][:-3] + ("A" if clicks[0][-3] != "A" else "B") + clicks[0][-2:]
    requests = [
        environ(forged_click),  # 404 page
        environ(pixel, "POST"),  # 405
        environ(pixel, HTTP_HOST="evil.example.com"),  # 400
        environ(pixel.rstrip("/")),  # no trailing slash
        environ("/t/o/a/b/"),
        environ("/t/x/abc/"),
    ]

    for number, request in enumerate(requests, start=1):
        assert_same(call(fast, request), call(django.handler, request))
        assert django.calls == number

    hits_flush()
    assert not Event.objects.exists()


def test_over_https_it_adds_the_same_security_headers_and_plain_http_is_redirected(sent, settings):
    pixel, clicks = sent
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # NUM_PROXIES=1
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    django = Recording()
    fast = TrackingFastPath(django)
    call(fast, environ(clicks[1], HTTP_X_FORWARDED_PROTO="https"))  # learns the link

    for path in (pixel, clicks[1]):
        behind_proxy = environ(path, HTTP_X_FORWARDED_PROTO="https")
        answer = call(fast, behind_proxy)
        assert_same(answer, call(django.handler, behind_proxy))
        assert dict(answer[1])["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    assert django.calls == 1

    plain = call(fast, environ(pixel))
    assert plain[0].startswith("301") and django.calls == 2


def test_it_stays_out_of_the_way_of_middleware_it_does_not_know(sent, settings):
    pixel, _clicks = sent
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    django = Recording()
    fast = TrackingFastPath(django)

    call(fast, environ(pixel))

    assert django.calls == 1
