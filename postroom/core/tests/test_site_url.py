"""SITE_URL, the address in every link of sent mail, follows the embedded server and is checked."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from postroom.core.tasks import worker_heartbeat

ROOT = Path(__file__).resolve().parents[3]


def _site_url(**variables: str) -> str:
    """SITE_URL as config/env.py makes it in a fresh process with these variables."""
    environ = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    environ.update(DEBUG="true", **variables)
    result = subprocess.run(
        [sys.executable, "-c", "from config import env; print(env.SITE_URL)"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_default_follows_the_port_the_server_runs_on():
    assert _site_url(PORT="8131") == "http://127.0.0.1:8131"
    assert _site_url() == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8131"),
        ("0.0.0.0", "http://127.0.0.1:8131"),  # noqa: S104
        ("::", "http://127.0.0.1:8131"),
        ("::1", "http://[::1]:8131"),
        ("mail.lan", "http://mail.lan:8131"),
    ],
)
def test_the_default_follows_the_host_the_server_binds_to(host, expected):
    assert _site_url(HOST=host, PORT="8131") == expected


def test_a_site_url_that_is_set_wins_over_host_and_port():
    assert _site_url(SITE_URL="https://mail.example.com/", PORT="8131") == (
        "https://mail.example.com"
    )


@pytest.mark.django_db
def test_health_warns_when_the_request_came_to_another_address(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    worker_heartbeat()

    response = client.get("/health/", HTTP_HOST="127.0.0.1:8131")

    body = response.json()

    assert body["site_url"] == {
        "status": "mismatch",
        "site_url": "http://127.0.0.1:8000",
        "request": "http://127.0.0.1:8131",
    }
    # A warning: the site itself is healthy.
    assert (response.status_code, body["status"]) == (200, "ok")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("site_url", "host"),
    [
        ("http://127.0.0.1:8131", "127.0.0.1:8131"),
        ("http://127.0.0.1:8131", "localhost:8131"),
        ("http://mail.lan", "mail.lan:80"),
    ],
)
def test_health_is_quiet_when_the_request_came_to_site_url(client, settings, site_url, host):
    settings.SITE_URL = site_url
    settings.ALLOWED_HOSTS = ["*"]

    body = client.get("/health/", HTTP_HOST=host).json()

    assert body["site_url"]["status"] == "ok"


@pytest.mark.django_db
def test_health_takes_https_from_the_proxy(client, settings):
    settings.SITE_URL = "https://mail.example.com"
    settings.ALLOWED_HOSTS = ["mail.example.com"]
    # as config/settings.py sets it with NUM_PROXIES > 0 (without a proxy the header is not trusted)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    behind_proxy = client.get(
        "/health/", HTTP_HOST="mail.example.com", HTTP_X_FORWARDED_PROTO="https"
    )
    plain = client.get("/health/", HTTP_HOST="mail.example.com")

    assert behind_proxy.json()["site_url"]["status"] == "ok"
    assert plain.json()["site_url"]["status"] == "mismatch"


def test_the_settings_page_warns_its_admins(login, owner, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    browser = login(owner.user)

    elsewhere = browser.get(reverse("workspace_settings"), HTTP_HOST="127.0.0.1:8131")
    settings.SITE_URL = "http://127.0.0.1:8131"
    right = browser.get(reverse("workspace_settings"), HTTP_HOST="127.0.0.1:8131")

    assert b'id="site-url-warning"' in elsewhere.content
    assert b"http://127.0.0.1:8000" in elsewhere.content
    assert b'id="site-url-warning"' not in right.content
