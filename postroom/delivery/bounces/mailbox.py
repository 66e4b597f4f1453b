"""A relay's bounce mailbox, read over IMAP or POP3: bounces and mailto unsubscribes taken in.

Each message goes through `dsn.reports_parse` and `bounces.bounce_intake`. Only
messages that were taken in (or had been before) are deleted; anything else is
left where it is (on IMAP marked seen, so it is not read again) for a person to
look at. A message that cannot be parsed never stops the poll; a connection or
log-in failure is kept as the relay's last mailbox error.
"""

import contextlib
import imaplib
import logging
import poplib
import ssl
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from postroom.core.network import host_is_private
from postroom.delivery.bounces.dsn import reports_parse
from postroom.delivery.bounces.intake import bounce_intake
from postroom.delivery.crypto import secret_decrypt
from postroom.delivery.models import MailboxProtocol, SmtpRelay, TlsMode

logger = logging.getLogger(__name__)


class MailboxError(Exception):
    """The mailbox could not be read (refused log-in, missing folder, a server that misbehaves)."""


@dataclass(frozen=True)
class MailboxConfig:
    protocol: str
    host: str
    port: int
    tls: str
    username: str
    password: str
    folder: str = "INBOX"


@dataclass
class PollResult:
    fetched: int = 0
    processed: int = 0  # taken in (or taken in before) and deleted
    ignored: int = 0  # not a bounce of ours, or unreadable: left in the mailbox
    failed: int = 0  # the intake failed: left unread for the next poll
    error: str = ""


class Mailbox(Protocol):
    def keys(self) -> list[str]: ...
    def fetch(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def keep(self, key: str) -> None: ...
    def close(self) -> None: ...


def mailbox_config(relay: SmtpRelay) -> MailboxConfig:
    implicit = relay.mailbox_tls == TlsMode.IMPLICIT
    if relay.mailbox_protocol == MailboxProtocol.IMAP:
        usual = 993 if implicit else 143
    else:
        usual = 995 if implicit else 110
    return MailboxConfig(
        protocol=relay.mailbox_protocol,
        host=relay.mailbox_host,
        port=relay.mailbox_port or usual,
        tls=relay.mailbox_tls,
        username=relay.mailbox_username,
        password=secret_decrypt(relay.mailbox_password_encrypted),
        folder=relay.mailbox_folder or "INBOX",
    )


def _text(exc: BaseException) -> str:
    arg = exc.args[0] if exc.args else exc
    text = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)
    return text or exc.__class__.__name__


class ImapMailbox:
    """Unseen messages of one folder by UID; read with BODY.PEEK so reading marks nothing."""

    def __init__(self, config: MailboxConfig, *, timeout: float) -> None:
        context = ssl.create_default_context()
        if config.tls == TlsMode.IMPLICIT:
            self.imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=context, timeout=timeout
            )
        else:
            self.imap = imaplib.IMAP4(config.host, config.port, timeout=timeout)
            if config.tls == TlsMode.STARTTLS:
                self.imap.starttls(context)
        try:
            self.imap.login(config.username, config.password)
        except imaplib.IMAP4.error as exc:
            self._abandon()
            raise MailboxError(f"log-in refused: {_text(exc)}") from exc
        status, data = self.imap.select(_quoted(config.folder))
        if status != "OK":
            self._abandon()
            raise MailboxError(f"cannot open the folder {config.folder}: {_text(Exception(*data))}")

    def _abandon(self) -> None:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.imap.logout()

    def _uid(self, command: str, *args: str) -> list:
        status, data = self.imap.uid(command, *args)
        if status != "OK":
            raise MailboxError(f"UID {command} refused: {_text(Exception(*data))}")
        return data

    def keys(self) -> list[str]:
        data = self._uid("SEARCH", "UNSEEN")
        return [uid.decode() for uid in (data[0] or b"").split()]

    def fetch(self, key: str) -> bytes:
        for item in self._uid("FETCH", key, "(BODY.PEEK[])"):
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        return b""

    def delete(self, key: str) -> None:
        self._uid("STORE", key, "+FLAGS", "(\\Deleted)")

    def keep(self, key: str) -> None:
        self._uid("STORE", key, "+FLAGS", "(\\Seen)")

    def close(self) -> None:
        self.imap.expunge()
        self.imap.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Pop3Mailbox:
    """Every message in the drop; deletions take effect when the session ends with QUIT."""

    def __init__(self, config: MailboxConfig, *, timeout: float) -> None:
        context = ssl.create_default_context()
        if config.tls == TlsMode.IMPLICIT:
            self.pop: poplib.POP3 = poplib.POP3_SSL(
                config.host, config.port, timeout=timeout, context=context
            )
        else:
            self.pop = poplib.POP3(config.host, config.port, timeout=timeout)
            if config.tls == TlsMode.STARTTLS:
                self.pop.stls(context)
        try:
            self.pop.user(config.username)
            self.pop.pass_(config.password)
        except poplib.error_proto as exc:
            self.pop.close()
            raise MailboxError(f"log-in refused: {_text(exc)}") from exc

    def keys(self) -> list[str]:
        _response, listing, _octets = self.pop.list()
        return [line.split()[0].decode() for line in listing if line.strip()]

    def fetch(self, key: str) -> bytes:
        _response, lines, _octets = self.pop.retr(int(key))
        return b"\r\n".join(lines) + b"\r\n"

    def delete(self, key: str) -> None:
        self.pop.dele(int(key))

    def keep(self, key: str) -> None:
        pass  # POP3 has no flags: the message stays and is read again next time

    def close(self) -> None:
        self.pop.quit()


def mailbox_open(config: MailboxConfig, *, timeout: float) -> Mailbox:
    if config.protocol == MailboxProtocol.IMAP:
        return ImapMailbox(config, timeout=timeout)
    if config.protocol == MailboxProtocol.POP3:
        return Pop3Mailbox(config, timeout=timeout)
    raise MailboxError(f"no mailbox protocol {config.protocol!r}")


def mailbox_poll(relay: SmtpRelay) -> PollResult:
    """Read the relay's bounce mailbox once; the time and any error are kept on the relay."""
    result = PollResult()
    config = mailbox_config(relay)
    try:
        if not settings.RELAY_ALLOW_PRIVATE and host_is_private(config.host):
            raise MailboxError("mailbox address is in a private network")
        box = mailbox_open(config, timeout=settings.MAILBOX_TIMEOUT)
        try:
            for key in box.keys()[: settings.MAILBOX_POLL_MAX]:
                _handle(box, key, result)
        finally:
            box.close()
    except (MailboxError, OSError, imaplib.IMAP4.error, poplib.error_proto) as exc:
        result.error = _text(exc)
        if not isinstance(exc, MailboxError):
            result.error = f"{exc.__class__.__name__}: {result.error}"
        logger.warning("bounce mailbox of relay %s: %s", relay.pk, result.error)
    SmtpRelay.objects.filter(pk=relay.pk).update(
        mailbox_polled_at=timezone.now(), mailbox_error=result.error[:500]
    )
    return result


def _handle(box: Mailbox, key: str, result: PollResult) -> None:
    raw = box.fetch(key)
    result.fetched += 1
    try:
        reports = reports_parse(raw)
    except Exception:
        # Mail is untrusted input: one message the parser chokes on must not stop the rest.
        logger.exception("unreadable message %s in a bounce mailbox", key)
        reports = []
    if not reports or not all(r.matched for r in reports):
        box.keep(key)
        result.ignored += 1
        return
    try:
        for report in reports:
            bounce_intake(report)
    except Exception:
        logger.exception("bounce intake failed for message %s; it is read again next time", key)
        result.failed += 1
        return
    box.delete(key)
    result.processed += 1
