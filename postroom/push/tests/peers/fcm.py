"""FCM HTTP v1 as Google answers: the OAuth token exchange and messages:send with its real error bodies.

The token endpoint checks the service account's signed JWT assertion
(RS256 with the account's key, Google's token audience, the messaging scope)
before it hands out a bearer token; messages:send takes only bearer tokens
it issued. `answer[token]` picks UNREGISTERED, INVALID_ARGUMENT or
QUOTA_EXCEEDED (with a Retry-After) for a device token.
"""

import json
import time
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from postroom.push.tests.peers.server import Answer, LocalServer, Received

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GOOGLE_AUDIENCE = "https://oauth2.googleapis.com/token"


def _error(
    code: int, status: str, message: str, fcm_code: str, headers: dict | None = None
) -> Answer:
    body = {
        "error": {
            "code": code,
            "message": message,
            "status": status,
            "details": [
                {
                    "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                    "errorCode": fcm_code,
                }
            ],
        }
    }
    return Answer(
        code, json.dumps(body).encode(), {"content-type": "application/json", **(headers or {})}
    )


ERRORS = {
    "unregistered": _error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"),
    "invalid": _error(
        400,
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
        "INVALID_ARGUMENT",
    ),
    "quota": _error(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Send requests'",
        "QUOTA_EXCEEDED",
        {"retry-after": "37"},
    ),
    "unavailable": _error(
        503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"
    ),
}


class FakeFcm:
    def __init__(self, project_id: str = "demo-project") -> None:
        self.project_id = project_id
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.client_email = "postroom@demo-project.iam.gserviceaccount.com"
        self.tokens_issued: list[str] = []
        self.sent: list[dict] = []
        self.answer: dict[str, Answer] = {}
        self.server = LocalServer(self.handle)
        self.token_url = f"{self.server.url}/token"

    def service_account_json(self, token_uri: str = "https://oauth2.googleapis.com/token") -> str:
        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return json.dumps(
            {
                "type": "service_account",
                "project_id": self.project_id,
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": self.client_email,
                "token_uri": token_uri,
            }
        )

    def handle(self, request: Received) -> Answer:
        if request.path == "/token":
            return self._token(request)
        if request.path == f"/v1/projects/{self.project_id}/messages:send":
            return self._send(request)
        return _error(404, "NOT_FOUND", "no such path", "UNSPECIFIED_ERROR")

    def _token(self, request: Received) -> Answer:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                self.key.public_key(),
                algorithms=["RS256"],
                audience=GOOGLE_AUDIENCE,  # what google-auth signs for, whichever URL it posts to
            )
        except jwt.PyJWTError as exc:
            return Answer(
                400, json.dumps({"error": "invalid_grant", "error_description": str(exc)}).encode()
            )
        if claims.get("iss") != self.client_email or SCOPE not in str(claims.get("scope")):
            return Answer(400, b'{"error": "invalid_scope"}')
        token = f"ya29.fake-{len(self.tokens_issued)}-{int(time.time())}"
        self.tokens_issued.append(token)
        body = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        return Answer(200, json.dumps(body).encode(), {"content-type": "application/json"})

    def _send(self, request: Received) -> Answer:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens_issued:
            return _error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials.",
                "THIRD_PARTY_AUTH_ERROR",
            )
        message = json.loads(request.body)["message"]
        if message["token"] in self.answer:
            return self.answer[message["token"]]
        self.sent.append(message | {"http_version": request.http_version})
        name = f"projects/{self.project_id}/messages/{len(self.sent)}"
        return Answer(
            200, json.dumps({"name": name}).encode(), {"content-type": "application/json"}
        )

    def stop(self) -> None:
        self.server.stop()
