"""A local HTTP/1.1 + HTTP/2 (h2c) server for the fake providers: hypercorn in a thread.

A provider fake is a function from a `Received` request to an `Answer`;
every request is kept in `server.received` for the test to look at.
"""

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from hypercorn.asyncio import serve
from hypercorn.config import Config


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    http_version: str


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Received], Answer]


class LocalServer:
    """Serves `handler` on 127.0.0.1 until `stop()`; `url` is its base URL."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.received: list[Received] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)  # listening before the thread starts: no wait for it
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._stopping = asyncio.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    async def _app(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].removeprefix("lifespan.")
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = Received(
            method=scope["method"],
            path=scope["path"],
            query=parse_qs(scope["query_string"].decode()),
            headers={k.decode().lower(): v.decode() for k, v in scope["headers"]},
            body=body,
            http_version=scope["http_version"],
        )
        self.received.append(request)
        answer = self.handler(request)
        headers = [(k.lower().encode(), v.encode()) for k, v in answer.headers.items()]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    def _run(self) -> None:
        config = Config()
        config.bind = [f"fd://{self._socket.fileno()}"]
        config.accesslog = None
        config.errorlog = logging.getLogger("postroom.tests.localserver")
        config.graceful_timeout = 0.5
        # Providers keep a connection for as long as the client does (hypercorn's default
        # closes it after 1,000 requests, which would cut an HTTP/2 client mid-stream).
        config.keep_alive_max_requests = 10**9
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(
            serve(self._app, config, shutdown_trigger=self._stopping.wait)
        )

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)
        with contextlib.suppress(OSError):  # hypercorn closes the descriptor it was given
            self._socket.close()


class SilentServer:
    """Takes connections and never answers: a peer that times out."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)  # the kernel completes the handshakes; nobody reads
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def stop(self) -> None:
        self._socket.close()
