"""A real HTTP receiver on loopback that records every request and answers as told."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """`answers`: status codes to give in turn (the last one repeats); `location` for 3xx."""

    answers: list[int] = field(default_factory=lambda: [200])
    location: str = ""
    reply: bytes = b""  # the body to answer with (else a short one per status)
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def answer(self) -> int:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append(Received(self.path, headers, body))
                code = receiver.answer()
                self.send_response(code)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                reply = receiver.reply or (b'{"ok": true}' if code < 300 else b"receiver trouble")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def receiver_running(**kwargs: object) -> Iterator[Receiver]:
    server = Receiver(**kwargs).start()
    try:
        yield server
    finally:
        server.stop()
