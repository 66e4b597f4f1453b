"""A hit: what a tracking request records, as a small dict that can wait in a buffer."""

import hashlib
import secrets
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest

from postroom.core.network import client_address
from postroom.tracking.agents import agent_class, ip_hash


def client_ip(meta: Mapping[str, Any]) -> str:
    """The client's address from a request's META (a WSGI environ), by the API's proxy rule."""
    return client_address(meta)


def hit_make(
    kind: str,
    delivery_id: int,
    *,
    request: HttpRequest | None = None,
    meta: Mapping[str, Any] | None = None,
    link_id: int | None = None,
    uid: str = "",
    **extra: Any,
) -> dict[str, Any]:
    hit: dict[str, Any] = {
        "u": uid or secrets.token_hex(12),
        "k": kind,
        "d": delivery_id,
        "t": time.time(),
    }
    if link_id is not None:
        hit["l"] = link_id
    if request is not None:
        meta = request.META
    if meta is not None:  # the request's, or a WSGI environ (the fast path)
        ip = client_ip(meta)
        agent = agent_class(str(meta.get("HTTP_USER_AGENT", "")), ip)
        if (
            str(meta.get("REQUEST_METHOD", "")).upper() == "HEAD"
        ):  # people's clients GET; scanners check links with HEAD
            agent = "scanner"
        hit["a"] = agent
        hit["ip"] = ip_hash(ip)
    hit.update({key: value for key, value in extra.items() if value not in (None, "")})
    return hit


def revenue_parse(value: Any) -> Decimal | None:
    """A non-negative amount with at most two decimals and ten integer digits, or None."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValueError("revenue must be a number") from None
    if amount < 0 or amount >= Decimal("1e10"):
        raise ValueError("revenue must be between 0 and 9999999999.99")
    return amount


def conversion_uid(delivery_id: int, goal: str, event_id: str) -> str:
    """The event id of a conversion with its own id (an order): the same order counts once."""
    digest = hashlib.sha256(f"{delivery_id}\0{goal}\0{event_id}".encode()).hexdigest()[:40]
    return f"conv:{digest}"


LEAD_LIMITS = {"name": 200, "email": 254, "phone": 40, "company": 200}


def lead_details(lead: Any) -> dict[str, str] | None:
    """The contact fields of a lead the snippet sent, cleaned; None when unusable.

    Strings only, within the CRM's lengths, a valid email address if any, and
    an email address or a phone number to reach the person by.
    """
    if not isinstance(lead, dict):
        return None
    details: dict[str, str] = {}
    for name, limit in LEAD_LIMITS.items():
        value = lead.get(name, "")
        if not isinstance(value, str) or len(value) > limit:
            return None
        details[name] = " ".join(value.split())
    if details["email"]:
        try:
            validate_email(details["email"])
        except ValidationError:
            return None
        details["email"] = details["email"].lower()
    if not (details["email"] or details["phone"]):
        return None
    details["name"] = details["name"] or details["email"] or details["phone"]
    return details
