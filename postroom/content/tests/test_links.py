"""The link checker against a real local HTTP server: good, redirecting, 404, slow, refusing."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from postroom.content.links import links_check, links_extract


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self, body: bool) -> None:
        path = self.path
        if path == "/ok":
            self.send_response(200)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/moved-again")
        elif path == "/moved-again":
            self.send_response(302)
            self.send_header("Location", "/ok")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif path == "/slow":
            time.sleep(2)
            self.send_response(200)
        elif path == "/get-only" and self.command == "HEAD":
            self.send_response(405)
        elif path == "/get-only":
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_it_extracts_links_and_images_once_each():
    html = '<a href="https://a.test/x">A</a><img src="https://a.test/i.png"><a href="mailto:x@y">m</a><a href="https://a.test/x">again</a>'

    assert links_extract(html) == ["https://a.test/x", "https://a.test/i.png"]


def test_it_reports_each_kind_of_link(server, closed_port, settings):
    settings.LINK_CHECK_TIMEOUT = 1.0
    urls = [
        f"{server}/ok",
        f"{server}/moved",
        f"{server}/missing",
        f"{server}/slow",
        f"http://127.0.0.1:{closed_port}/",
        f"{server}/get-only",
        f"{server}/loop",
    ]

    started = time.monotonic()
    ok, moved, missing, slow, refused, get_only, loop = links_check(urls)
    elapsed = time.monotonic() - started

    assert ok["ok"] and ok["status"] == 200
    assert moved["ok"] and moved["final_url"] == f"{server}/ok" and len(moved["chain"]) == 2
    assert not missing["ok"] and missing["status"] == 404
    assert not slow["ok"] and slow["error"] == "timeout"
    assert not refused["ok"] and refused["error"] == "ConnectError"
    assert get_only["ok"] and get_only["status"] == 200
    assert not loop["ok"] and loop["error"] == "too many redirects"
    assert elapsed < 5  # concurrent: the slow link does not hold up the others


def test_private_addresses_are_not_fetched_in_production(server, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = False

    [result] = links_check([f"{server}/ok"])

    assert not result["ok"] and result["error"] == "private address, not checked"


@pytest.mark.django_db
def test_a_message_link_report(owner, server, django_capture_on_commit_callbacks):
    from postroom.content.models import LinkCheck
    from postroom.content.services import message_links_check_start
    from postroom.content.tests.factories import MessageFactory

    message = MessageFactory(
        workspace=owner.workspace,
        body=f'<a href="{server}/ok">ok</a> <a href="{server}/missing">bad</a>',
    )

    with django_capture_on_commit_callbacks(execute=True):
        message_links_check_start(message=message)

    check = LinkCheck.objects.get()
    assert check.status == "done" and check.broken == 1


@pytest.mark.parametrize(
    "host", ["100.100.100.200", "169.254.169.254", "10.0.0.1", "[::1]", "224.0.0.1"]
)
def test_non_public_addresses_are_never_fetched(host, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = False

    [result] = links_check([f"http://{host}/"])

    assert result["error"] == "private address, not checked"


def test_a_redirect_to_a_private_address_is_not_followed(server, settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = False

    [result] = links_check([f"{server}/ok"])

    assert not result["ok"]


@pytest.mark.parametrize("url", ["http://[::1/", "http://a..b/", "http:///nohost"])
def test_malformed_links_are_reported_not_crashing(url):
    [result] = links_check([url])

    assert not result["ok"] and result["error"]
