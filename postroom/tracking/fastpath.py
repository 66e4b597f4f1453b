"""The open pixel, the click redirect and push receipts (`/t/r/`) served in front of Django's middleware stack.

They are the installation's most requested URLs (every open and every click
of every message) and need nothing from the middleware but its headers, which
cost more than the work itself. `tracking_fast_path` wraps the WSGI
application: a genuine pixel or click request is answered here with the
response the Django views (postroom/tracking/views.py) and the middleware
would give, headers included; every other request, and every unusual one
(plain HTTP under SECURE_SSL_REDIRECT, a Host outside ALLOWED_HOSTS, a forged
click token, a link this process has not looked up yet, a method other than
GET or HEAD, settings it was not written for), goes to Django, which answers
as always. The token, hit and buffer code is the views' own.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.encoding import iri_to_uri

from postroom.core.csp import APP_POLICY
from postroom.tracking.buffer import hit_record
from postroom.tracking.clicks import click_location, link_redirects, link_target_cached
from postroom.tracking.hits import hit_make
from postroom.tracking.tokens import CLICK, OPEN, RECEIVED, token_read
from postroom.tracking.views import NO_STORE, PIXEL

logger = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Headers = list[tuple[str, str]]

# Middleware whose effect on these two responses the fast path reproduces (or
# which has none on them: sessions, CSRF, auth, messages and allauth only act
# when a view uses them, WhiteNoise only on static files).
KNOWN_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "allauth.account.middleware.AccountMiddleware",
        "postroom.core.csp.ContentSecurityPolicyMiddleware",
        # Only picks the zone times are shown in: these responses show none.
        "postroom.accounts.middleware.UserTimeZoneMiddleware",
    }
)
_CACHE_SIZE = 1000


class TrackingFastPath:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.hosts: set[str] = set()
        self.languages: dict[tuple[str | None, str], str] = {}
        unknown = [name for name in settings.MIDDLEWARE if name not in KNOWN_MIDDLEWARE]
        self.enabled = not unknown and not (
            settings.USE_X_FORWARDED_HOST or settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS
        )
        if unknown:
            logger.warning("tracking fast path off: it does not know middleware %s", unknown)
        self.redirect = settings.SECURE_SSL_REDIRECT
        proxy = settings.SECURE_PROXY_SSL_HEADER
        self.proxy_header: str | None
        self.proxy_value: str | None
        self.proxy_header, self.proxy_value = proxy if proxy else (None, None)
        self.allowed_hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not self.allowed_hosts:
            self.allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
        self.secure_headers, self.plain_headers = self._middleware_headers()
        middleware = set(settings.MIDDLEWARE)
        self.frame_options = (
            settings.X_FRAME_OPTIONS.upper()
            if "django.middleware.clickjacking.XFrameOptionsMiddleware" in middleware
            else ""
        )
        self.content_length = "django.middleware.common.CommonMiddleware" in middleware
        self.locale = "django.middleware.locale.LocaleMiddleware" in middleware

    def _middleware_headers(self) -> tuple[Headers, Headers]:
        """What SecurityMiddleware adds to these responses: over HTTPS, and over plain HTTP."""
        if "django.middleware.security.SecurityMiddleware" not in settings.MIDDLEWARE:
            return [], []
        secure: Headers = []
        if settings.SECURE_HSTS_SECONDS:
            sts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                sts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                sts += "; preload"
            secure.append(("Strict-Transport-Security", sts))
        plain: Headers = []
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            plain.append(("X-Content-Type-Options", "nosniff"))
        policy = settings.SECURE_REFERRER_POLICY
        if policy:
            values = policy.split(",") if isinstance(policy, str) else policy
            plain.append(("Referrer-Policy", ",".join(v.strip() for v in values)))
        coop = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        if coop:
            plain.append(("Cross-Origin-Opener-Policy", coop))
        if "postroom.core.csp.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE:
            plain.append(("Content-Security-Policy", APP_POLICY))
        return secure + plain, plain

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if self.enabled and path.startswith("/t/") and path.endswith("/"):
            answer = self.answer(environ, path)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self.app(environ, start_response)

    def answer(self, environ: dict[str, Any], path: str) -> tuple[str, Headers, bytes] | None:
        """(status, headers, body) of a pixel or click request; None to leave it to Django."""
        kind, token = path[3:5], path[5:-1]
        if kind not in ("o/", "c/", "r/") or not token or "/" in token:
            return None
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") and not (kind == "r/" and method in ("POST", "OPTIONS")):
            return None
        secure = self._secure(environ)
        if (self.redirect and not secure) or not self._host_allowed(environ, secure):
            return None
        if kind == "r/":
            return self._received(environ, token, method, secure)
        if kind == "o/":
            ids = token_read(OPEN, token)
            if ids is not None:
                hit_record(hit_make("open", ids[0], meta=environ))
            headers = [("Content-Type", "image/gif"), ("Cache-Control", NO_STORE)]
            return "200 OK", self._finish(headers, environ, secure, len(PIXEL)), PIXEL
        ids = token_read(CLICK, token)
        if ids is None or ids[1] is None:
            return None
        target = link_target_cached(ids[1])
        if target is None or not link_redirects(target):  # not looked up yet, or a deep link
            return None
        location = iri_to_uri(click_location(ids[0], target))
        hit_record(hit_make("click", ids[0], meta=environ, link_id=ids[1]))
        headers = [
            ("Content-Type", f"text/html; charset={settings.DEFAULT_CHARSET}"),
            ("Location", location),
            ("Cache-Control", NO_STORE),
            ("Referrer-Policy", "no-referrer"),
        ]
        return "302 Found", self._finish(headers, environ, secure, 0), b""

    def _received(
        self, environ: dict[str, Any], token: str, method: str, secure: bool
    ) -> tuple[str, Headers, bytes] | None:
        """A push shown on its device (`tracking_received`): 204 with CORS, whatever the token."""
        if method == "POST" and not _body_discarded(environ):
            return None
        if method != "OPTIONS":
            ids = token_read(RECEIVED, token)
            if ids is not None:
                hit_record(hit_make("received", ids[0], meta=environ))
        headers = [
            ("Content-Type", f"text/html; charset={settings.DEFAULT_CHARSET}"),
            ("Cache-Control", NO_STORE),
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", "Content-Type"),
            ("Access-Control-Max-Age", "86400"),
        ]
        return "204 No Content", self._finish(headers, environ, secure, 0), b""

    def _finish(
        self, headers: Headers, environ: Mapping[str, Any], secure: bool, length: int
    ) -> Headers:
        """The view's headers plus the middleware's, in the order the stack adds them."""
        if self.frame_options:
            headers.append(("X-Frame-Options", self.frame_options))
        if self.content_length:
            headers.append(("Content-Length", str(length)))
        if self.locale:
            headers.append(("Vary", "Accept-Language"))
            headers.append(("Content-Language", self._language(environ)))
        names = {name for name, _value in headers}
        security = self.secure_headers if secure else self.plain_headers
        headers += [(name, value) for name, value in security if name not in names]
        return headers

    def _secure(self, environ: Mapping[str, Any]) -> bool:
        if environ.get("wsgi.url_scheme") == "https":
            return True
        if self.proxy_header is None:
            return False
        value = environ.get(self.proxy_header)
        return value is not None and value.split(",", 1)[0].strip() == self.proxy_value

    def _host_allowed(self, environ: Mapping[str, Any], secure: bool) -> bool:
        """Whether Django would accept the request's host (HttpRequest.get_host)."""
        host = environ.get("HTTP_HOST")
        if not host:
            host = environ.get("SERVER_NAME", "")
            port = str(environ.get("SERVER_PORT", ""))
            if port != ("443" if secure else "80"):
                host = f"{host}:{port}"
        if host in self.hosts:
            return True
        domain, _port = split_domain_port(host)
        if not domain or not validate_host(domain, self.allowed_hosts):
            return False
        if len(self.hosts) < _CACHE_SIZE:
            self.hosts.add(host)
        return True

    def _language(self, environ: Mapping[str, Any]) -> str:
        """The language LocaleMiddleware would choose (cookie, then Accept-Language)."""
        cookie = environ.get("HTTP_COOKIE", "")
        chosen = (
            parse_cookie(cookie).get(settings.LANGUAGE_COOKIE_NAME)
            if settings.LANGUAGE_COOKIE_NAME in cookie
            else None
        )
        key = (chosen, environ.get("HTTP_ACCEPT_LANGUAGE", ""))
        language = self.languages.get(key)
        if language is None:
            request = _LanguageRequest(chosen, key[1])
            language = translation.get_language_from_request(request)  # type: ignore[arg-type]
            if len(self.languages) >= _CACHE_SIZE:
                self.languages.clear()
            self.languages[key] = language
        return language


_BODY_MAX = 4096


def _body_discarded(environ: dict[str, Any]) -> bool:
    """Read and drop a small request body (what a service worker posts); False if it is not one."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    if length < 0 or length > _BODY_MAX:
        return False
    if length:
        environ["wsgi.input"].read(length)
    return True


class _LanguageRequest:
    """What `get_language_from_request` reads of a request."""

    def __init__(self, cookie: str | None, accept: str) -> None:
        self.COOKIES = {settings.LANGUAGE_COOKIE_NAME: cookie} if cookie is not None else {}
        self.META = {"HTTP_ACCEPT_LANGUAGE": accept}


def tracking_fast_path(app: WSGIApp) -> WSGIApp:
    return TrackingFastPath(app)
