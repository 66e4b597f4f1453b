"""The fake push providers of `make bench-push`, in a process of their own, in bench mode.

    python bench/push_peers.py KIND   # webpush, fcm, apns or onesignal; prints its URL and credentials

One process per provider, as the real ones are other machines: each has a
core's worth of Python to itself, not a share of the senders'.

They are the test suite's peers (`postroom/push/tests/peers/`), each still
parsing every request (the HTTP version, the authorization header, the JSON
body or the Web Push record's headers) and answering as the provider does,
but skipping what costs more than sending: Web Push payloads are not
decrypted nor each VAPID JWT verified (the first of each is), APNs provider
tokens are verified once per token, and nothing is kept per request.
"""

import collections
import json
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from postroom.push.tests.peers.apns import FakeApns, reason
from postroom.push.tests.peers.fcm import FakeFcm, _error
from postroom.push.tests.peers.onesignal import FakeOneSignal
from postroom.push.tests.peers.server import Answer, Received
from postroom.push.tests.peers.webpush import FakeWebPush


def _unkept(server: object) -> None:
    server.received = collections.deque(maxlen=10)  # type: ignore[attr-defined]


class BenchWebPush(FakeWebPush):
    """Any subscription id; the VAPID header parsed, its JWT verified the first time it is seen."""

    def __init__(self) -> None:
        super().__init__("")
        self.verified: set[str] = set()
        self.count = 0
        _unkept(self.server)

    def handle(self, request: Received) -> Answer:
        scheme, _, params = request.headers.get("authorization", "").partition(" ")
        parts = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
        if scheme.lower() != "vapid" or not parts.get("t") or not parts.get("k"):
            return Answer(401, b"no vapid authorization")
        if parts["t"] not in self.verified:
            self.vapid_public_key = parts["k"]  # the workspace's key: the bench does not know it
            problem = self._vapid_problem(request.headers)
            if problem:
                return Answer(401, problem.encode())
            self.verified.add(parts["t"])
        if request.headers.get("content-encoding") != "aes128gcm" or "ttl" not in request.headers:
            return Answer(400, b"aes128gcm and TTL required")
        if not 86 < len(request.body) <= 4096:  # an aes128gcm header alone is 86 bytes
            return Answer(413, b"payload too large")
        self.count += 1
        return Answer(201, headers={"location": f"{self.server.url}/message/{uuid.uuid4().hex}"})


class BenchApns(FakeApns):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        _unkept(self.server)

    def handle(self, request: Received) -> Answer:
        if request.http_version != "2":
            return reason(400, "APNs speaks HTTP/2 only")
        token = request.headers.get("authorization", "").removeprefix("bearer ")
        if token not in self.provider_tokens:
            problem = self._token_problem(request.headers)
            if problem:
                return reason(403, problem)
        if request.headers.get("apns-topic") != self.topic:
            return reason(400, "DeviceTokenNotForTopic")
        if len(request.body) > 4096:
            return reason(413, "PayloadTooLarge")
        json.loads(request.body)
        self.count += 1
        return Answer(200, b"", {"apns-id": str(uuid.uuid4())})


class BenchFcm(FakeFcm):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        _unkept(self.server)

    def _send(self, request: Received) -> Answer:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens_issued:
            return _error(401, "UNAUTHENTICATED", "invalid credentials", "THIRD_PARTY_AUTH_ERROR")
        json.loads(request.body)["message"]["token"]
        self.count += 1
        name = f"projects/{self.project_id}/messages/{self.count}"
        return Answer(
            200, json.dumps({"name": name}).encode(), {"content-type": "application/json"}
        )


class BenchOneSignal(FakeOneSignal):
    """Every subscription id exists; notifications are answered, not kept for outcomes."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        _unkept(self.server)

    def _create(self, body: dict) -> Answer:
        if body.get("app_id") != self.app_id:
            return Answer(400, b'{"errors": ["app_id not found"]}')
        (_sub,) = body["include_subscription_ids"]
        self.count += 1
        return Answer(200, json.dumps({"id": str(uuid.uuid4()), "external_id": None}).encode())


BenchPeer = BenchWebPush | BenchFcm | BenchApns | BenchOneSignal
PEERS: dict[str, type[BenchPeer]] = {
    "webpush": BenchWebPush,
    "fcm": BenchFcm,
    "apns": BenchApns,
    "onesignal": BenchOneSignal,
}


def peer_info(kind: str, peer: BenchPeer) -> dict[str, str]:
    """What the bench needs to point a workspace at this peer: its URL and credentials."""
    url = peer.server.url
    if isinstance(peer, BenchFcm):
        return {
            "url": url,
            "token_url": peer.token_url,
            "project_id": peer.project_id,
            "secret": peer.service_account_json(),
        }
    if isinstance(peer, BenchApns):
        return {
            "url": url,
            "secret": peer.p8(),
            "key_id": peer.key_id,
            "team_id": peer.team_id,
            "topic": peer.topic,
        }
    if isinstance(peer, BenchOneSignal):
        return {"url": url, "secret": peer.rest_key, "app_id": peer.app_id}
    return {"url": url}


def main() -> None:
    kind = sys.argv[1]
    peer = PEERS[kind]()
    print(json.dumps(peer_info(kind, peer)), flush=True)
    try:
        while sys.stdin.readline():  # each line asks how many it took; EOF stops it
            print(json.dumps({"taken": peer.count}), flush=True)
    finally:
        peer.server.stop()


if __name__ == "__main__":
    main()
