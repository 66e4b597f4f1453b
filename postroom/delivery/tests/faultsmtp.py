"""An SMTP server that misbehaves on request, for tests: aiosmtpd in a thread on loopback.

    server = FaultServer().start()
    server.on("bob@example.com", "rcpt", reply="550 5.1.1 No such user")
    server.on("eve@example.com", "data", action="hang")
    server.on("*", "mail", reply="421 4.3.2 Going down", times=3)

Phases: mail, rcpt, data. Actions: reply (answer with the given line),
reply_and_close (answer, then hang up), slow (wait `seconds`, then go on),
drop (close the connection without a reply),
hang (no answer until the rule is released), garbage (answer with text that is not SMTP). `times`
limits how often a rule fires (then the server behaves). Accepted messages
are in `received`, in order, with their envelope and bytes.
"""

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Rule:
    recipient: str
    phase: str
    action: str = "reply"
    reply: str = ""
    seconds: float = 0.0
    times: int | None = None
    fired: int = 0
    # A hang lasts until `release()` (then the exchange goes on as if nothing happened).
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class Received:
    sender: str
    recipient: str
    data: bytes
    at: float = field(default_factory=time.time)

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data, policy=default)


@dataclass
class _State:
    rules: list[Rule] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler:
    def __init__(self, state: _State, *, pipelining: bool) -> None:
        self.state = state
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:  # aiosmtpd answers pipelined commands in order
            responses.insert(-1, "250-PIPELINING")
        return responses

    def _rule(self, phase: str, recipients: list[str]) -> Rule | None:
        with self.state.lock:
            for rule in self.state.rules:
                if rule.phase != phase:
                    continue
                if rule.recipient != "*" and rule.recipient not in recipients:
                    continue
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                rule.fired += 1
                return rule
        return None

    async def _apply(self, server, rule: Rule | None, default: str) -> str:
        if rule is None:
            return default
        if rule.action == "slow":
            await asyncio.sleep(rule.seconds)
            return default
        if rule.action == "drop":
            server.transport.close()
            return default
        if rule.action == "hang":
            deadline = time.monotonic() + 3600
            while not rule.released.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            return default
        if rule.action == "reply_and_close":
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return rule.reply
        if rule.action == "garbage":
            return rule.reply or "hello? this is not SMTP"
        return rule.reply

    async def handle_MAIL(self, server, session, envelope, address, options):
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return await self._apply(server, self._rule("mail", []), "250 OK")

    async def handle_RCPT(self, server, session, envelope, address, options):
        rule = self._rule("rcpt", [address])
        status = await self._apply(server, rule, "250 OK")
        if status.startswith("250"):
            envelope.rcpt_tos.append(address)
        return status

    async def handle_DATA(self, server, session, envelope):
        status = await self._apply(
            server, self._rule("data", envelope.rcpt_tos), "250 2.0.0 Queued"
        )
        if status.startswith("250") and not server.transport.is_closing():
            with self.state.lock:
                for recipient in envelope.rcpt_tos:
                    self.state.received.append(
                        Received(envelope.mail_from, recipient, envelope.original_content)
                    )
        return status


class FaultServer:
    def __init__(self, *, username: str = "", password: str = "", pipelining: bool = True) -> None:
        self.state = _State()
        self.pipelining = pipelining
        self._credentials = (username, password)
        self._controller: Controller | None = None
        self.port = 0

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == self._credentials
        )
        return AuthResult(success=ok, handled=False)

    def start(self) -> "FaultServer":
        kwargs = {}
        if self._credentials[0]:
            kwargs = {
                "authenticator": self._authenticate,
                "auth_require_tls": False,
                "auth_required": True,
            }
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(
            _Handler(self.state, pipelining=self.pipelining),
            hostname="127.0.0.1",
            port=self.port,
            ready_timeout=10,
            **kwargs,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def on(self, recipient: str, phase: str, **rule: object) -> Rule:
        made = Rule(recipient, phase, **rule)
        with self.state.lock:
            self.state.rules.append(made)
        return made

    def clear(self) -> None:
        with self.state.lock:
            self.state.rules.clear()

    @property
    def received(self) -> list[Received]:
        with self.state.lock:
            return list(self.state.received)
