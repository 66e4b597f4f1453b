"""Mail bytes for a million recipients: the structure is built once, per recipient only what varies.

`MessageSkeleton` holds the headers and MIME structure that are the same for
every recipient of one message version (From, Reply-To, List-ID, Precedence,
the multipart boundary) already encoded. `build()` then joins the recipient's
own headers and quoted-printable bodies around them: no `email.message`
object per recipient.

Every header value passes through `header_clean`: CR, LF and NUL become
spaces, so no user value (a subject, a name, a rendered field) can start a
header of its own.
"""

import binascii
import html
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr
from functools import lru_cache

_BREAKS = re.compile(r"[\r\n\x00]+")
_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def header_clean(value: str) -> str:
    """A value that is one header line: line breaks and NULs replaced, outer space trimmed."""
    if "\r" in value or "\n" in value or "\x00" in value:
        value = _BREAKS.sub(" ", value)
    return value.strip()


def _encoded(name: str, value: str) -> bytes:
    """`Name: value` with RFC 2047 encoding when needed, folded at 78 characters, CRLF-terminated."""
    value = header_clean(value)
    if value.isascii() and max(map(len, value.split(" "))) < 900:
        return f"{name}: {_fold(name, value)}\r\n".encode("ascii")
    folded = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {folded}\r\n".encode("ascii")


def _fold(name: str, value: str) -> str:
    """Fold an ASCII value at spaces so lines stay near 78 characters (never inside a word)."""
    if len(name) + len(value) < 76:
        return value
    lines: list[str] = []
    line = ""
    for word in value.split(" "):
        if line and len(line) + len(word) + (len(name) + 2 if not lines else 1) >= 78:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\r\n ".join(lines)


@lru_cache(maxsize=4)  # the same second for the hundreds of messages sent in it
def _date_header(date: datetime) -> bytes:
    return _encoded("Date", format_datetime(date))


def ascii_address(email: str) -> str:
    """The address with an internationalized domain in its ASCII (IDNA) form.

    A non-ASCII local part would need SMTPUTF8, which is not supported: ValueError.
    """
    local, _, domain = header_clean(email).rpartition("@")
    if not local.isascii():
        raise ValueError(f"{email}: addresses with non-ASCII names need SMTPUTF8")
    return f"{local}@{ascii_domain(domain)}"


def ascii_domain(domain: str) -> str:
    return domain if domain.isascii() else domain.encode("idna").decode("ascii")


def address(name: str, email: str) -> str:
    """`Name <email>`, the name encoded when it is not plain ASCII."""
    return formataddr((header_clean(name), ascii_address(email)), charset="utf-8")


def _lines(text: str) -> str:
    """CRLF line endings throughout, and a final one."""
    body = text
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = body.replace("\n", "\r\n")
    return body if body.endswith("\r\n") else body + "\r\n"


def _body(text: str, *, eight_bit: bool, boundary: str) -> tuple[str, bytes]:
    """(Content-Transfer-Encoding, encoded body) for one part.

    As it is (7bit, or 8bit where the relay announced 8BITMIME) when every line
    fits SMTP's 998 characters; quoted-printable otherwise, which also keeps a
    body from ever containing the boundary.
    """
    body = _lines(text)
    raw = body.encode("utf-8")
    if boundary not in body and max(map(len, raw.split(b"\r\n"))) <= 998:
        if raw.isascii():
            return "7bit", raw
        if eight_bit:
            return "8bit", raw
    return "quoted-printable", binascii.b2a_qp(raw, istext=True)


def html_with_preheader(html_body: str, preheader: str) -> str:
    """The preheader as the hidden first text of the body, where mail clients look for it."""
    if not preheader:
        return html_body
    hidden = (
        '<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">'
        f"{html.escape(preheader)}</div>"
    )
    match = _BODY_TAG.search(html_body)
    if match is None:
        return hidden + html_body
    return html_body[: match.end()] + hidden + html_body[match.end() :]


@dataclass(frozen=True)
class Recipient:
    """What varies per recipient; every string here may come from users and is cleaned."""

    email: str
    name: str
    subject: str
    text: str
    html: str
    message_id: str
    date: datetime
    list_unsubscribe: str = ""  # "<https://…>, <mailto:…>"; empty for test sends


class MessageSkeleton:
    """The fixed part of one message version: built once per run, reused for every recipient."""

    def __init__(
        self,
        *,
        from_name: str,
        from_email: str,
        reply_to: str = "",
        list_id: str = "",
        bulk: bool = True,
    ) -> None:
        self.boundary = "=_postroom_" + secrets.token_hex(12)
        self.sender = ascii_address(from_email)
        fixed = [_encoded("From", address(from_name, from_email))]
        if reply_to:
            fixed.append(_encoded("Reply-To", ascii_address(reply_to)))
        if list_id:
            fixed.append(_encoded("List-ID", list_id))
        if bulk:
            fixed.append(b"Precedence: bulk\r\n")
        fixed.append(b"MIME-Version: 1.0\r\n")
        fixed.append(
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"\r\n'.encode()
        )
        self._fixed = b"".join(fixed)
        part = (
            "--{b}\r\nContent-Type: text/{kind}; charset=utf-8\r\n"
            "Content-Transfer-Encoding: {cte}\r\n\r\n"
        )
        self._heads = {
            (kind, cte): part.format(b=self.boundary, kind=kind, cte=cte).encode()
            for kind in ("plain", "html")
            for cte in ("7bit", "8bit", "quoted-printable")
        }
        self._close = f"\r\n--{self.boundary}--\r\n".encode()

    def headers(self, recipient: Recipient) -> bytes:
        lines = [
            _encoded("To", address(recipient.name, recipient.email)),
            _encoded("Subject", recipient.subject),
            _date_header(recipient.date.replace(microsecond=0)),
            _encoded("Message-ID", recipient.message_id),
        ]
        if recipient.list_unsubscribe:
            lines.append(_encoded("List-Unsubscribe", recipient.list_unsubscribe))
            lines.append(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
        return b"".join(lines) + self._fixed

    def build(self, recipient: Recipient, *, eight_bit: bool = False) -> bytes:
        """The whole message, CRLF line endings, ready for SMTP DATA.

        `eight_bit`: the relay takes 8BITMIME, so UTF-8 text need not be encoded
        (the message is then not ASCII, and is sent with BODY=8BITMIME).
        """
        text_cte, text = _body(recipient.text, eight_bit=eight_bit, boundary=self.boundary)
        html_cte, html = _body(recipient.html, eight_bit=eight_bit, boundary=self.boundary)
        return b"".join(
            (
                self.headers(recipient),
                b"\r\n",
                self._heads[("plain", text_cte)],
                text,
                b"\r\n",
                self._heads[("html", html_cte)],
                html,
                self._close,
            )
        )
