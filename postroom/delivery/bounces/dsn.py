"""Mail that comes back, read: delivery status notifications, complaints and mailto unsubscribes.

RFC 3464 reports (what Postfix, Exim 4.9x, Exchange and most providers send)
are read field by field; older hand-written formats (classic Exim, qmail and
the rest) through flufl.bounce's detectors; RFC 5965 feedback reports (ARF)
are complaints. Each report is matched to its delivery by the signed token in
`bounces+<token>@`, or by our Message-ID in the returned message. Nothing here
touches the database.
"""

import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes, message_from_string
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr

from flufl.bounce import all_failures

from postroom.audience.tokens import unsubscribe_token_read
from postroom.delivery.models import BounceKind
from postroom.delivery.transports.tokens import message_id_read, return_path_token_read

_TOKEN = re.compile(r"bounces\+([0-9a-z]+-[0-9a-f]{10})@", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<([0-9a-z]+\.[0-9a-f]{10}@[^>\s]+)>", re.IGNORECASE)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_SMTP_CODE = re.compile(r"(?:^|\s)([45])\d\d(?:[\s-]|$)")
_UNSUBSCRIBE = re.compile(r"\bunsubscribe-([A-Za-z0-9_:.-]+)")
# Where the address a message was sent to shows: the envelope first, then the headers.
_ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To")
_COMPLAINT_TYPES = ("abuse", "fraud")


@dataclass(frozen=True)
class BounceReport:
    """One recipient's fate as a returned mail or a provider's webhook tells it."""

    kind: str  # a BounceKind
    email: str
    event_id: str
    status: str = ""  # RFC 3463 enhanced status code, "5.1.1"
    diagnostic: str = ""
    delivery_id: int | None = None
    # A mailto unsubscribe: whom its signed token names, and the list (0: everything).
    subscriber_id: int | None = None
    list_id: int = 0
    source: str = "mailbox"

    @property
    def matched(self) -> bool:
        """Provably about mail of ours (a signed token), so it may change something."""
        return self.delivery_id is not None or self.subscriber_id is not None


def reports_parse(raw: bytes) -> list[BounceReport]:
    """Every report one message carries; empty when it is none of ours to act on."""
    msg = message_from_bytes(raw)
    key = _message_key(msg, raw)
    unsubscribe = _unsubscribe(msg, key)
    if unsubscribe is not None:
        return [unsubscribe]
    if _is_report(msg, "feedback-report"):
        found = _complaints(msg)
    elif any(p.get_content_type() == "message/delivery-status" for p in msg.walk()):
        found = _dsn(msg)
    else:
        found = _heuristic(msg)
    if not found:
        return []
    delivery_id = _delivery_id(msg, raw)
    return [
        BounceReport(
            kind=kind,
            email=email,
            event_id=_event_id(key, email),
            status=status,
            diagnostic=" ".join(diagnostic.split())[:500],
            delivery_id=delivery_id,
        )
        for kind, email, status, diagnostic in found
    ]


def status_kind(status: str, *, default: str = BounceKind.HARD) -> str:
    """5.x.x is permanent, 4.x.x temporary; without a code, `default`."""
    if status.startswith("5"):
        return BounceKind.HARD
    if status.startswith("4"):
        return BounceKind.SOFT
    return default


def status_find(text: str) -> str:
    """The first RFC 3463 code in a server's answer, else one made of its SMTP reply code."""
    found = _STATUS.search(text or "")
    if found:
        return found.group(1)
    code = _SMTP_CODE.search(text or "")
    return f"{code.group(1)}.0.0" if code else ""


def _message_key(msg: Message, raw: bytes) -> str:
    message_id = (msg.get("Message-ID") or "").strip()
    return message_id or "sha256:" + hashlib.sha256(raw).hexdigest()


def _event_id(key: str, email: str) -> str:
    return "mail:" + hashlib.sha256(f"{key}\n{email}".encode()).hexdigest()


def _is_report(msg: Message, report_type: str) -> bool:
    return (
        msg.get_content_type() == "multipart/report"
        and str(msg.get_param("report-type") or "").lower() == report_type
    )


def _unsubscribe(msg: Message, key: str) -> BounceReport | None:
    """A mail to the List-Unsubscribe mailto address: its subject carries the signed token."""
    try:
        subject = str(make_header(decode_header(msg.get("Subject") or "")))
    except (LookupError, UnicodeError, ValueError):
        return None
    found = _UNSUBSCRIBE.search(subject)
    ids = unsubscribe_token_read(found.group(1)) if found else None
    if ids is None:
        return None
    sender = parseaddr(msg.get("From") or "")[1].lower()
    return BounceReport(
        kind=BounceKind.UNSUBSCRIBE,
        email=sender,
        event_id=_event_id(key, f"unsubscribe:{ids[0]}:{ids[1]}"),
        subscriber_id=ids[0],
        list_id=ids[1],
    )


def _field_blocks(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    return [message_from_string(b.strip() + "\n") for b in re.split(r"\n\s*\n", text) if b.strip()]


def _address(field: str) -> str:
    """`rfc822; <a@b>` (RFC 3464 address-type; address) as the bare address."""
    value = field.partition(";")[2] if ";" in field else field
    return value.strip().strip("<>").strip().lower()


Found = list[tuple[str, str, str, str]]  # (kind, email, status, diagnostic)


def _dsn(msg: Message) -> Found:
    found: Found = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _field_blocks(part):
            recipient = block.get("Original-Recipient") or block.get("Final-Recipient")
            action = (block.get("Action") or "").strip().lower()
            if not recipient or not action:
                continue
            diagnostic = " ".join((block.get("Diagnostic-Code") or "").split())
            diagnostic = re.sub(r"^(smtp|x-[\w-]+)\s*;\s*", "", diagnostic, flags=re.IGNORECASE)
            status = status_find(block.get("Status") or "") or status_find(diagnostic)
            if action.startswith("delayed"):
                kind: str = BounceKind.SOFT
            elif action.startswith(("failed", "error")):
                kind = status_kind(status)
            else:  # delivered, relayed, expanded: nothing went wrong
                continue
            found.append((kind, _address(recipient), status, diagnostic))
    return found


def _complaints(msg: Message) -> Found:
    """RFC 5965: a recipient's provider says they marked our message as spam."""
    fields: dict[str, str] = {}
    for part in msg.walk():
        if part.get_content_type() == "message/feedback-report":
            for block in _field_blocks(part):
                fields.update({k.lower(): str(v) for k, v in block.items()})
    feedback_type = fields.get("feedback-type", "").strip().lower()
    if feedback_type not in _COMPLAINT_TYPES:
        return []
    email = _address(fields.get("original-rcpt-to", ""))
    returned = _returned_headers(msg)
    if not email and returned is not None:
        addresses = getaddresses(returned.get_all("To") or [])
        email = addresses[0][1].lower() if addresses else ""
    agent = fields.get("user-agent", "")
    return [(BounceKind.COMPLAINT, email, "", f"{feedback_type} {agent}".strip())]


def _heuristic(msg: Message) -> Found:
    """Bounces in no standard format: flufl.bounce's detectors, the status from the text."""
    try:
        temporary, permanent = all_failures(msg)
    except Exception:
        return []
    text = _notification_text(msg)
    found: Found = []
    for addresses, kind in ((permanent, BounceKind.HARD), (temporary, BounceKind.SOFT)):
        for address in sorted(addresses):
            email = address.decode("ascii", "replace").lower()
            diagnostic = _context(text, email)
            found.append((kind, email, status_find(diagnostic), diagnostic))
    return found


def _notification_text(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def _context(text: str, email: str) -> str:
    """The lines after the address, up to a blank one: where MTAs put the server's answer."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if email in line.lower():
            block = [line]
            for following in lines[index + 1 :]:
                if not following.strip():
                    break
                block.append(following)
            return " ".join(" ".join(block).split())
    return ""


def _returned_headers(msg: Message) -> Message | None:
    """The headers of our message as the report returns it (message/rfc822 or text/rfc822-headers)."""
    for part in msg.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
        elif content_type == "text/rfc822-headers":
            body = part.get_payload(decode=True)
            if isinstance(body, bytes):
                return message_from_bytes(body)
    return None


def _delivery_id(msg: Message, raw: bytes) -> int | None:
    """The delivery by its Return-Path token (where the report was sent first), else by Message-ID."""
    returned = _returned_headers(msg)
    places = [str(v) for name in _ENVELOPE_HEADERS for v in msg.get_all(name) or []]
    if returned is not None:
        places += [str(v) for v in returned.get_all("Return-Path") or []]
        places.append(str(returned.get("Message-ID") or ""))
    return delivery_id_find(*places, raw.decode("latin-1"))


def delivery_id_find(*places: str) -> int | None:
    """The first delivery a `bounces+<token>@` address in `places` names, else a Message-ID of ours.

    Tokens and Message-IDs carry a MAC: text written by anyone else matches nothing.
    """
    for place in places:
        for token in _TOKEN.findall(place):
            delivery_id = return_path_token_read(token)
            if delivery_id is not None:
                return delivery_id
    for place in places:
        for value in _MESSAGE_ID.findall(place):
            delivery_id = message_id_read(value)
            if delivery_id is not None:
                return delivery_id
    return None
