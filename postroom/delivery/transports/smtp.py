"""Talking to relays: persistent connections, and every answer classified.

`SmtpTransport.send()` never raises for what a server does: it returns a
`SendResult` saying whether the message was accepted, is to be retried
(4xx, timeouts, refused or dropped connections, answers that are not SMTP) or
failed for good (5xx), and whether the trouble was the relay's rather than the
recipient's (those feed the circuit breaker, not the recipient's record).
"""

import smtplib
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field

import dkim
from django.conf import settings

from postroom.core.network import host_is_private
from postroom.delivery.models import TlsMode
from postroom.delivery.transports.base import (
    Capabilities,
    Outgoing,
    ResultKind,
    SendResult,
    TransportContext,
    transport_register,
)
from postroom.delivery.transports.relays import RelayConfig

IDLE_SECONDS = 30.0
# Signed headers: RFC 8058 requires List-Unsubscribe-Post with List-Unsubscribe.
DKIM_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
]


def _text(message: bytes | str) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return " ".join(message.split())[:500]


def classify(code: int, message: bytes | str, phase: str) -> SendResult:
    """The result of an SMTP reply that is not a success."""
    text = _text(message)
    if 400 <= code < 500:
        # 421: the server is closing the channel; its trouble, not the recipient's.
        relay_down = code == 421 or phase == "auth"
        kind = ResultKind.RELAY_DOWN if relay_down else ResultKind.TEMPORARY
        return SendResult(kind, code, text, phase)
    if 500 <= code < 600:
        if phase in ("auth", "connect", "mail"):
            # Refused log-in or sender: the relay's configuration, retried once it is fixed.
            return SendResult(ResultKind.RELAY_DOWN, code, text, phase)
        result = SendResult(ResultKind.PERMANENT, code, text, phase)
        if result.enhanced.startswith("5.1."):  # no such user, bad domain: the address is bad
            result.kind = ResultKind.RECIPIENT_GONE
        return result
    # Not an SMTP reply at all (smtplib reports -1): a lying server; retry elsewhere in time.
    return SendResult(
        ResultKind.RELAY_DOWN,
        code if 0 <= code < 1000 else None,
        text or "garbage reply",
        phase,
    )


class RelayError(Exception):
    def __init__(self, result: SendResult) -> None:
        super().__init__(result.response)
        self.result = result


@dataclass
class _Connection:
    smtp: smtplib.SMTP
    last_used: float = field(default_factory=time.monotonic)


class SmtpTransport:
    """Sends over one persistent connection to a relay, reconnecting when needed.

    Opened for a job's relay slot, `close()` hands the connection back to the
    process's pool (`POOL`) for the next job on that slot; `disconnect()` ends it.
    """

    channel = "email"

    def __init__(self, relay: RelayConfig, *, timeout: float, slot: int | None = None) -> None:
        self.relay = relay
        self.timeout = timeout
        self.slot = slot
        self._connection: _Connection | None = None

    # -- connection -------------------------------------------------------------
    def _open(self) -> smtplib.SMTP:
        relay = self.relay
        if relay.tenant and not settings.RELAY_ALLOW_PRIVATE and host_is_private(relay.host):
            raise RelayError(
                SendResult(
                    ResultKind.RELAY_DOWN, None, "relay address is in a private network", "connect"
                )
            )
        try:
            if relay.tls == TlsMode.IMPLICIT:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    relay.host,
                    relay.port,
                    timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(relay.host, relay.port, timeout=self.timeout)
            code, message = smtp.ehlo()
            if code != 250:
                code, message = smtp.helo()
                if code != 250:
                    raise RelayError(classify(code, message, "connect"))
            if relay.tls == TlsMode.STARTTLS:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if relay.username:
                try:
                    smtp.login(relay.username, relay.password)
                except smtplib.SMTPAuthenticationError as exc:
                    raise RelayError(classify(exc.smtp_code, exc.smtp_error, "auth")) from exc
            return smtp
        except RelayError:
            raise
        except smtplib.SMTPResponseException as exc:
            raise RelayError(classify(exc.smtp_code, exc.smtp_error, "connect")) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise RelayError(_trouble(exc, "connect")) from exc

    def _session(self) -> smtplib.SMTP:
        connection = self._connection
        if connection is not None and time.monotonic() - connection.last_used > IDLE_SECONDS:
            self.disconnect()
            connection = None
        if connection is None:
            connection = self._connection = _Connection(self._open())
        return connection.smtp

    def close(self) -> None:
        if self.slot is None:
            self.disconnect()
        else:
            POOL.give_back(self, self.slot)

    def flush(self) -> None:
        """Nothing to write: the relay keeps what it took."""

    def disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.smtp.quit()
            except (OSError, smtplib.SMTPException):
                connection.smtp.close()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.smtp.close()

    def capabilities(self) -> Capabilities:
        """8BITMIME if the relay announced it (connecting if needed; not when it cannot)."""
        try:
            eight_bit = bool(self._session().has_extn("8bitmime"))
        except RelayError:
            eight_bit = False
        return Capabilities(channel=self.channel, eight_bit=eight_bit)

    # -- sending ----------------------------------------------------------------
    def send(self, message: Outgoing) -> SendResult:
        started = time.monotonic()
        try:
            signed = self._signed(message.data)
        except RelayError as exc:
            return exc.result
        result = self._send(message.sender, message.recipient, signed)
        result.duration_ms = int((time.monotonic() - started) * 1000)
        if result.phase == "data" and result.code is None and result.outcome != "sent":
            result.maybe_taken = True  # lost after the message went out
        if self._connection is not None:
            self._connection.last_used = time.monotonic()
        return result

    def _signed(self, data: bytes) -> bytes:
        relay = self.relay
        if not (relay.dkim_key and relay.dkim_domain and relay.dkim_selector):
            return data
        try:
            signature = self._dkim_sign(data)
        except dkim.DKIMException as exc:
            raise RelayError(
                SendResult(ResultKind.RELAY_DOWN, None, f"DKIM: {exc}"[:500], "sign")
            ) from exc
        return signature + data

    def _dkim_sign(self, data: bytes) -> bytes:
        relay = self.relay
        return dkim.sign(
            data,
            relay.dkim_selector.encode(),
            relay.dkim_domain.encode(),
            relay.dkim_key.encode(),
            include_headers=DKIM_HEADERS,
        )

    def _send(self, sender: str, recipient: str, data: bytes) -> SendResult:
        if not (_bare(sender) and _bare(recipient)):
            return SendResult(ResultKind.PERMANENT, None, "invalid address", "rcpt")
        phase = "connect"
        try:
            smtp = self._session()
            phase = "mail"
            # Addresses are validated and ours: no need for smtplib's slow address parser.
            body = "" if data.isascii() else " BODY=8BITMIME"
            if smtp.has_extn("pipelining"):
                return self._send_pipelined(smtp, f"FROM:<{sender}>{body}", recipient, data)
            code, message = smtp.docmd("mail", f"FROM:<{sender}>{body}")
            if code != 250:
                return self._refused(code, message, phase)
            phase = "rcpt"
            code, message = smtp.docmd("rcpt", f"TO:<{recipient}>")
            if code not in (250, 251):
                return self._refused(code, message, phase)
            phase = "data"
            code, message = _data(smtp, data)
            if code != 250:
                return self._refused(code, message, phase)
            return SendResult(ResultKind.DELIVERED, code, _text(message), phase)
        except RelayError as exc:
            self._drop()
            return exc.result
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            return _trouble(exc, phase)

    def _send_pipelined(
        self, smtp: smtplib.SMTP, mail_from: str, recipient: str, data: bytes
    ) -> SendResult:
        """RFC 2920: MAIL, RCPT and DATA in one write, their three replies read in order.

        Two round trips per message instead of four. Each reply still decides
        on its own phase; a DATA accepted after a refused MAIL or RCPT is
        closed empty (servers refuse it) before the transaction is reset.
        """
        replies: list[tuple[int, bytes]] = []
        try:
            smtp.send(f"MAIL {mail_from}\r\nRCPT TO:<{recipient}>\r\nDATA\r\n")
            for _ in range(3):
                replies.append(smtp.getreply())
        except (OSError, smtplib.SMTPException) as exc:
            # Every status already read still counts (RFC 2920 3.1): a refusal stays one.
            self._drop()
            refusal = _first_refusal(replies)
            if refusal is not None:
                return classify(*refusal)
            return _trouble(exc, ("mail", "rcpt", "data")[len(replies)])
        (mail, mail_text), (rcpt, rcpt_text), (start, start_text) = replies
        if start == 354 and (mail != 250 or rcpt not in (250, 251)):
            try:
                smtp.send(b".\r\n")
                smtp.getreply()
            except (OSError, smtplib.SMTPException):
                self._drop()
        if mail != 250:
            return self._refused(mail, mail_text, "mail")
        if rcpt not in (250, 251):
            return self._refused(rcpt, rcpt_text, "rcpt")
        if start != 354:
            return self._refused(start, start_text, "data")
        try:
            code, message = _data_payload(smtp, data)
        except (OSError, smtplib.SMTPException) as exc:
            # The message went out and no verdict came: it may have been taken.
            self._drop()
            return _trouble(exc, "data")
        if code != 250:
            return self._refused(code, message, "data")
        return SendResult(ResultKind.DELIVERED, code, _text(message), "data")

    def _refused(self, code: int, message: bytes, phase: str) -> SendResult:
        result = classify(code, message, phase)
        if code == 421 or code < 0:
            self._drop()
            return result
        try:
            reset, _ = self._connection.smtp.rset() if self._connection else (0, b"")
            if reset != 250:
                self._drop()
        except (OSError, smtplib.SMTPException):
            self._drop()
        return result


def _first_refusal(replies: list[tuple[int, bytes]]) -> tuple[int, bytes, str] | None:
    """The first MAIL or RCPT reply that refused, with its phase."""
    for (code, text), phase, accepted in zip(
        replies, ("mail", "rcpt"), ((250,), (250, 251)), strict=False
    ):
        if code not in accepted:
            return code, text, phase
    return None


def _bare(address: str) -> bool:
    """Whether an envelope address is one token (nothing in it could end the command)."""
    return bool(address) and not any(c in address for c in "\r\n<> \x00")


def _data(smtp: smtplib.SMTP, data: bytes) -> tuple[int, bytes]:
    """SMTP DATA for a message that already has CRLF line endings (ours always do).

    smtplib's `data()` normalises line endings and dot-stuffs with regular
    expressions over the whole message; here dot-stuffing is a bytes replace.
    """
    code, reply = smtp.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    return _data_payload(smtp, data)


def _data_payload(smtp: smtplib.SMTP, data: bytes) -> tuple[int, bytes]:
    """The message after a 354: dot-stuffed, ended by a lone dot; the server's verdict."""
    payload = data.replace(b"\r\n.", b"\r\n..")
    if payload.startswith(b"."):
        payload = b"." + payload
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    smtp.send(payload + b".\r\n")
    return smtp.getreply()


def _trouble(exc: BaseException, phase: str) -> SendResult:
    """A timeout, refused or dropped connection: temporary, and the relay's trouble."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return classify(exc.smtp_code, exc.smtp_error, phase)
    if isinstance(exc, (socket.timeout, TimeoutError)):
        text = "timed out"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        text = f"connection lost: {exc}" if str(exc) else "connection lost"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return SendResult(ResultKind.RELAY_DOWN, None, text[:500], phase)


class TransportPool:
    """Idle transports of this process, one per relay slot, reused across jobs."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], SmtpTransport] = {}
        self._lock = threading.Lock()

    def take(self, relay: RelayConfig, slot: int, *, timeout: float) -> SmtpTransport:
        with self._lock:
            transport = self._idle.pop((relay.key, slot), None)
        if transport is None or transport.relay != relay:
            if transport is not None:
                transport.disconnect()
            transport = SmtpTransport(relay, timeout=timeout, slot=slot)
        return transport

    def give_back(self, transport: SmtpTransport, slot: int) -> None:
        with self._lock:
            previous = self._idle.pop((transport.relay.key, slot), None)
            self._idle[(transport.relay.key, slot)] = transport
        if previous is not None and previous is not transport:
            previous.disconnect()

    def close_all(self) -> None:
        with self._lock:
            transports, self._idle = list(self._idle.values()), {}
        for transport in transports:
            transport.disconnect()


POOL = TransportPool()


def smtp_transport_open(relay: RelayConfig, context: TransportContext) -> SmtpTransport:
    if context.slot is None:
        return SmtpTransport(relay, timeout=context.timeout)
    return POOL.take(relay, context.slot, timeout=context.timeout)


transport_register("smtp", smtp_transport_open)
