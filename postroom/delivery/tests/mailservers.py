"""Small real POP3 (RFC 1939) and IMAP (RFC 3501) servers on 127.0.0.1 for the bounce poller.

They speak just what poplib and imaplib use for reading a mailbox: POP3 USER,
PASS, STAT, LIST, RETR, DELE, QUIT; IMAP CAPABILITY, LOGIN, SELECT, UID
SEARCH, UID FETCH, UID STORE, EXPUNGE, LOGOUT. The mailbox is shared state
that tests inspect afterwards: which messages are left, with which flags.
"""

import re
import socketserver
import threading
from typing import Any

_ARG = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\S+)')


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    box: "MailServer"


class MailServer:
    """A mailbox (uid -> raw message, flags) behind one protocol."""

    handler: type[socketserver.StreamRequestHandler]

    def __init__(
        self, messages: list[bytes], *, user: str = "bounces", password: str = "secret"
    ) -> None:
        self.messages: dict[int, bytes] = {i + 1: m for i, m in enumerate(messages)}
        self.flags: dict[int, set[str]] = {uid: set() for uid in self.messages}
        self.user, self.password = user, password
        self.folder = "INBOX"
        self.commands: list[str] = []
        self.lock = threading.Lock()

    def start(self) -> "MailServer":
        self.server = _Server(("127.0.0.1", 0), self.handler)
        self.server.box = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def left(self) -> list[bytes]:
        return [self.messages[uid] for uid in sorted(self.messages)]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, *lines: bytes) -> None:
        self.wfile.write(b"".join(line + b"\r\n" for line in lines))

    def lines(self) -> Any:
        while True:
            line = self.rfile.readline()
            if not line:
                return
            yield line.rstrip(b"\r\n")


class _Pop3Handler(_Handler):
    def handle(self) -> None:
        box = self.server.box
        numbers = sorted(box.messages)  # message numbers of this session, 1-based
        deleted: set[int] = set()
        user, authenticated = "", False
        self.send(b"+OK POP3 test server ready")
        for line in self.lines():
            command, _, arg = line.decode().partition(" ")
            command = command.upper()
            box.commands.append(command)
            if command == "USER":
                user = arg
                self.send(b"+OK")
            elif command == "PASS":
                authenticated = (user, arg) == (box.user, box.password)
                self.send(b"+OK logged in" if authenticated else b"-ERR [AUTH] Invalid login")
            elif command == "QUIT":
                with box.lock:  # RFC 1939: deletions happen in the UPDATE state, at QUIT
                    for uid in deleted:
                        box.messages.pop(uid, None)
                self.send(b"+OK bye")
                return
            elif not authenticated:
                self.send(b"-ERR log in first")
            elif command == "STAT":
                size = sum(len(box.messages[uid]) for uid in numbers)
                self.send(f"+OK {len(numbers)} {size}".encode())
            elif command == "LIST":
                listing = [
                    f"{n} {len(box.messages[uid])}".encode() for n, uid in _numbered(numbers)
                ]
                self.send(f"+OK {len(numbers)} messages".encode(), *listing, b".")
            elif command == "RETR" and arg.isdigit() and 0 < int(arg) <= len(numbers):
                raw = box.messages[numbers[int(arg) - 1]]
                body = [b"." + ln if ln.startswith(b".") else ln for ln in raw.split(b"\r\n")]
                self.send(f"+OK {len(raw)} octets".encode(), *body, b".")
            elif command == "DELE" and arg.isdigit() and 0 < int(arg) <= len(numbers):
                deleted.add(numbers[int(arg) - 1])
                self.send(b"+OK marked")
            else:
                self.send(b"-ERR unknown command")


def _numbered(numbers: list[int]) -> list[tuple[int, int]]:
    return [(n + 1, uid) for n, uid in enumerate(numbers)]


class _ImapHandler(_Handler):
    def handle(self) -> None:
        box = self.server.box
        authenticated = selected = False
        self.send(b"* OK IMAP4rev1 test server ready")
        for line in self.lines():
            tag, _, rest = line.partition(b" ")
            command, _, rest = rest.partition(b" ")
            name = command.decode().upper()
            box.commands.append(name)
            args = [
                m.group(1) if m.group(1) is not None else m.group(2) for m in _ARG.finditer(rest)
            ]
            if name == "CAPABILITY":
                self.send(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN", tag + b" OK CAPABILITY completed")
            elif name == "LOGOUT":
                self.send(b"* BYE logging out", tag + b" OK LOGOUT completed")
                return
            elif name == "LOGIN":
                authenticated = [a.decode() for a in args] == [box.user, box.password]
                self.send(
                    tag + b" OK LOGIN completed"
                    if authenticated
                    else tag + b" NO [AUTHENTICATIONFAILED] Invalid credentials"
                )
            elif not authenticated:
                self.send(tag + b" BAD log in first")
            elif name == "SELECT":
                selected = args[:1] == [box.folder.encode()]
                if not selected:
                    self.send(tag + b" NO [NONEXISTENT] Unknown mailbox")
                    continue
                self.send(
                    f"* {len(box.messages)} EXISTS".encode(),
                    b"* 0 RECENT",
                    b"* FLAGS (\\Seen \\Deleted)",
                    b"* OK [UIDVALIDITY 1] UIDs valid",
                    tag + b" OK [READ-WRITE] SELECT completed",
                )
            elif not selected:
                self.send(tag + b" BAD select a mailbox first")
            elif name == "UID":
                self._uid(tag, [a.decode() for a in args])
            elif name == "EXPUNGE":
                with box.lock:
                    for seq, uid in reversed(_numbered(sorted(box.messages))):
                        if "\\Deleted" in box.flags[uid]:
                            del box.messages[uid]
                            self.send(f"* {seq} EXPUNGE".encode())
                self.send(tag + b" OK EXPUNGE completed")
            else:
                self.send(tag + b" BAD unknown command")

    def _uid(self, tag: bytes, args: list[str]) -> None:
        box = self.server.box
        sub = args[0].upper() if args else ""
        box.commands.append(f"UID {sub}")
        sequence = {uid: seq for seq, uid in _numbered(sorted(box.messages))}
        if sub == "SEARCH" and args[1:] == ["UNSEEN"]:
            unseen = [str(uid) for uid in sorted(box.messages) if "\\Seen" not in box.flags[uid]]
            self.send(" ".join(["* SEARCH", *unseen]).encode(), tag + b" OK SEARCH completed")
        elif sub == "FETCH" and args[1].isdigit() and int(args[1]) in box.messages:
            uid = int(args[1])
            raw = box.messages[uid]
            head = f"* {sequence[uid]} FETCH (UID {uid} BODY[] {{{len(raw)}}}".encode()
            self.wfile.write(head + b"\r\n" + raw + b")\r\n")
            self.send(tag + b" OK FETCH completed")
        elif sub == "STORE" and args[1].isdigit() and int(args[1]) in box.messages:
            uid = int(args[1])
            if args[2].upper() == "+FLAGS":
                box.flags[uid].update(args[3].strip("()").split())
            flags = " ".join(sorted(box.flags[uid]))
            self.send(
                f"* {sequence[uid]} FETCH (UID {uid} FLAGS ({flags}))".encode(),
                tag + b" OK STORE completed",
            )
        else:
            self.send(tag + b" BAD unsupported UID command")


class Pop3Server(MailServer):
    handler = _Pop3Handler


class ImapServer(MailServer):
    handler = _ImapHandler
