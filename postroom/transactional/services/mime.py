"""A transactional message as bytes: headers from an allow-list, text and HTML, attachments.

Built with the standard library's `email` package (one message at a time; the
campaign path keeps its own skeleton). Every header value is checked for line
breaks before it is set: user input never adds a header of its own.
"""

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from postroom.content.rendering import Rendered
from postroom.delivery.transports.mime import header_clean

# Headers a request may set, lower-cased: threading, tags, auto-reply hints.
HEADERS_ALLOWED = frozenset(
    {
        "reply-to",
        "in-reply-to",
        "references",
        "auto-submitted",
        "x-auto-response-suppress",
        "x-entity-ref-id",
        "x-priority",
        "importance",
        "x-tag",
        "x-order-id",
    }
)
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Envelope:
    from_name: str
    from_email: str
    reply_to: str
    to: str
    to_name: str = ""


def headers_check(headers: dict[str, str]) -> dict[str, str]:
    """The request's headers, refused unless allowed, well named and on one line each."""
    refused = [name for name in headers if name.lower() not in HEADERS_ALLOWED]
    if refused or any(not _HEADER_NAME.match(name) for name in headers):
        raise ValidationError(
            {
                "headers": _("Headers not allowed: %(names)s. Allowed: %(allowed)s.")
                % {
                    "names": ", ".join(sorted(refused or headers))[:300],
                    "allowed": ", ".join(sorted(HEADERS_ALLOWED)),
                }
            }
        )
    broken = [name for name, value in headers.items() if _line_breaks(value) or len(value) > 998]
    if broken:
        raise ValidationError(
            {
                "headers": _("Header values may not contain line breaks (CR, LF): %(names)s.")
                % {"names": ", ".join(sorted(broken))}
            }
        )
    return headers


def _line_breaks(value: str) -> bool:
    return any(char in value for char in "\r\n\x00\x0b\x0c\x85\u2028\u2029")


def attachment_check(filename: str, content_type: str) -> None:
    if _line_breaks(filename) or not filename.strip() or len(filename) > 255:
        raise ValidationError({"attachments": _("An attachment's file name is not valid.")})
    if not _CONTENT_TYPE.match(content_type):
        raise ValidationError({"attachments": _("An attachment's content type is not valid.")})


def tx_mime_build(
    *,
    envelope: Envelope,
    rendered: Rendered,
    message_id: str,
    headers: dict[str, str],
    attachments: list[Attachment],
) -> bytes:
    """The whole message, CRLF line endings, ready for SMTP DATA (7-bit: any relay takes it).

    What the email package refuses (an address it cannot write) is a 400.
    """
    try:
        return _build(envelope, rendered, message_id, headers, attachments)
    except (ValueError, TypeError, IndexError) as exc:
        raise ValidationError(
            {"template": _("The message cannot be built: %(e)s") % {"e": str(exc)[:200]}}
        ) from exc


def _build(
    envelope: Envelope,
    rendered: Rendered,
    message_id: str,
    headers: dict[str, str],
    attachments: list[Attachment],
) -> bytes:
    message = EmailMessage(policy=SMTP)
    local, _at, domain = envelope.from_email.rpartition("@")
    # The template's own fields are cleaned as the campaign path cleans them.
    name = header_clean(envelope.from_name)
    message["From"] = Address(display_name=name, username=local, domain=domain)
    message["To"] = (
        Address(display_name=envelope.to_name, addr_spec=envelope.to)
        if envelope.to_name
        else envelope.to
    )
    message["Subject"] = header_clean(rendered.subject)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id
    given = {name.lower(): value for name, value in headers.items()}
    reply_to = given.get("reply-to") or header_clean(envelope.reply_to)
    if reply_to:
        message["Reply-To"] = reply_to
    for name, value in headers.items():
        if name.lower() != "reply-to":
            message[name] = value
    message.set_content(rendered.text or " ", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    for item in attachments:
        maintype, _slash, subtype = item.content_type.partition("/")
        message.add_attachment(
            item.content, maintype=maintype, subtype=subtype, filename=item.filename
        )
    return message.as_bytes()
