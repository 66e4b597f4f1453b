"""APNs as Apple answers, over HTTP/2 only: checks the ES256 provider token, topic and payload.

`answer[token]` picks 400 BadDeviceToken, 410 Unregistered or 429
TooManyProviderTokenUpdates for a device token.
"""

import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from postroom.push.tests.peers.server import Answer, LocalServer, Received


def reason(status: int, why: str, **extra: object) -> Answer:
    return Answer(
        status, json.dumps({"reason": why, **extra}).encode(), {"apns-id": str(uuid.uuid4())}
    )


ERRORS = {
    "bad": reason(400, "BadDeviceToken"),
    "gone": reason(410, "Unregistered", timestamp=int(time.time() * 1000)),
    "busy": reason(429, "TooManyProviderTokenUpdates"),
    "large": reason(413, "PayloadTooLarge"),
}


class FakeApns:
    def __init__(
        self,
        key_id: str = "ABC123DEFG",
        team_id: str = "TEAM123456",
        topic: str = "com.example.app",
    ) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.key_id, self.team_id, self.topic = key_id, team_id, topic
        self.sent: list[tuple[str, dict, dict[str, str]]] = []
        self.provider_tokens: set[str] = set()
        self.answer: dict[str, Answer] = {}
        self.server = LocalServer(self.handle)

    def p8(self) -> str:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    def _token_problem(self, headers: dict[str, str]) -> str:
        token = headers.get("authorization", "").removeprefix("bearer ")
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, self.key.public_key(), algorithms=["ES256"])
        except jwt.PyJWTError:
            return "InvalidProviderToken"
        if header.get("kid") != self.key_id or claims.get("iss") != self.team_id:
            return "InvalidProviderToken"
        if time.time() - claims["iat"] > 3600:
            return "ExpiredProviderToken"
        self.provider_tokens.add(token)
        return ""

    def handle(self, request: Received) -> Answer:
        if request.http_version != "2":
            return reason(400, "APNs speaks HTTP/2 only")
        device = request.path.removeprefix("/3/device/")
        problem = self._token_problem(request.headers)
        if problem:
            return reason(403, problem)
        if request.headers.get("apns-topic") != self.topic:
            return reason(400, "DeviceTokenNotForTopic")
        if device in self.answer:
            return self.answer[device]
        if len(request.body) > 4096:
            return reason(413, "PayloadTooLarge")
        self.sent.append((device, json.loads(request.body), request.headers))
        return Answer(200, b"", {"apns-id": str(uuid.uuid4())})

    def stop(self) -> None:
        self.server.stop()
