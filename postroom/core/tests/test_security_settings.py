"""Production settings: the language cookie and the proxy headers, as `config.settings` computes them.

Settings are read from the environment once, at import: each case imports
them in a fresh interpreter with the environment of a deployment.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from rest_framework.throttling import SimpleRateThrottle

from postroom.core.network import client_address

ROOT = Path(__file__).resolve().parents[3]
NAMES = [
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "SECURE_PROXY_SSL_HEADER",
]


def _settings(**env: str) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))"
    )
    environ = {
        k: v for k, v in os.environ.items() if k not in ("NUM_PROXIES", "HTTPS", "DEBUG")
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "x" * 50,
        "DEBUG": "false",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_it_sends_the_language_cookie_secure_and_same_site_over_https():
    values = _settings(HTTPS="true")

    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    assert values["LANGUAGE_COOKIE_HTTPONLY"] is True


def test_it_ignores_x_forwarded_proto_without_proxies():
    assert _settings(NUM_PROXIES="0")["SECURE_PROXY_SSL_HEADER"] is None


def test_it_trusts_x_forwarded_proto_behind_a_proxy():
    assert _settings(NUM_PROXIES="1")["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


@pytest.mark.parametrize("proxies", [0, 1, 2, 5])
@pytest.mark.parametrize(
    "forwarded", [None, "203.0.113.9", "198.51.100.1, 203.0.113.9", " a , b , c "]
)
def test_the_client_address_follows_the_apis_rule(proxies, forwarded, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    extra = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)

    assert client_address(request.META) == SimpleRateThrottle.get_ident(None, request)
