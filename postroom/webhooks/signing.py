"""Signatures in the Standard Webhooks format (https://www.standardwebhooks.com/).

    webhook-id: msg_...            the message's id, the same on every retry
    webhook-timestamp: 1700000000  seconds since the epoch, when this attempt was signed
    webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body", keyed by the secret's bytes>

The secret is `whsec_` followed by base64 of 24 random bytes; the key is those bytes.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def secret_generate() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature_make(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers_make(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_make(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
