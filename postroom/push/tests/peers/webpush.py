"""A Web Push service as a browser vendor runs one: checks the VAPID JWT and decrypts every payload.

`subscribe()` makes a subscription as a browser would (a P-256 key pair and
an auth secret); each push to its endpoint must carry a VAPID JWT signed by
the expected key for this service's origin, not expired, with a contact
`sub`, and an aes128gcm body that decrypts with the subscription's private
key. What it decrypted is kept in `delivered`. `answer[sub_id]` makes an
endpoint answer 404, 410, 413 or 429 instead.
"""

import base64
import json
import os
import time
import uuid
from dataclasses import dataclass

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from postroom.push.tests.peers.server import Answer, LocalServer, Received


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscription:
    id: str
    endpoint: str
    p256dh: str
    auth: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes


class FakeWebPush:
    def __init__(self, vapid_public_key: str = "") -> None:
        self.vapid_public_key = vapid_public_key  # the workspace's applicationServerKey
        self.subscriptions: dict[str, Subscription] = {}
        self.delivered: list[tuple[str, dict, dict[str, str]]] = []  # (sub id, payload, headers)
        self.refused: list[str] = []
        self.answer: dict[str, Answer] = {}
        self.server = LocalServer(self.handle)

    def subscribe(self) -> Subscription:
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        auth = os.urandom(16)
        sub_id = uuid.uuid4().hex
        sub = Subscription(
            sub_id, f"{self.server.url}/push/{sub_id}", b64url(public), b64url(auth), key, auth
        )
        self.subscriptions[sub_id] = sub
        return sub

    def _vapid_problem(self, headers: dict[str, str]) -> str:
        scheme, _, params = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "vapid":
            return "no vapid authorization"
        parts = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
        if parts.get("k") != self.vapid_public_key:
            return "not the subscription's application server key"
        public = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(parts["k"])
        )
        try:
            claims = jwt.decode(
                parts.get("t", ""), public, algorithms=["ES256"], audience=self.server.url
            )
        except jwt.PyJWTError as exc:
            return f"bad JWT: {exc}"
        if not 0 < claims["exp"] - time.time() <= 24 * 3600:
            return "exp more than 24 hours ahead"
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            return "no contact in sub"
        return ""

    def handle(self, request: Received) -> Answer:
        sub_id = request.path.rpartition("/")[2]
        sub = self.subscriptions.get(sub_id)
        if request.method != "POST" or sub is None:
            return Answer(404, b"no such subscription")
        problem = self._vapid_problem(request.headers)
        if problem:
            self.refused.append(problem)
            return Answer(401, problem.encode())
        if sub_id in self.answer:
            return self.answer[sub_id]
        if request.headers.get("content-encoding") != "aes128gcm" or "ttl" not in request.headers:
            return Answer(400, b"aes128gcm and TTL required")
        if len(request.body) > 4096:
            return Answer(413, b"payload too large")
        plain = http_ece.decrypt(
            request.body,
            private_key=sub.private_key,
            auth_secret=sub.auth_secret,
            version="aes128gcm",
        )
        self.delivered.append((sub_id, json.loads(plain), request.headers))
        return Answer(201, headers={"location": f"{self.server.url}/message/{uuid.uuid4().hex}"})

    def stop(self) -> None:
        self.server.stop()
