"""OneSignal's REST API: notifications created per subscription id, and their outcomes to poll.

Subscriptions are made with `subscribe()`; a notification to an unknown one
answers as OneSignal does (200 with `invalid_player_ids`). `click(id)` and
`complete(id)` move a notification's figures as devices report them.
"""

import json
import uuid

from postroom.push.tests.peers.server import Answer, LocalServer, Received


class FakeOneSignal:
    def __init__(
        self,
        app_id: str = "6f8a2c4e-0000-4000-8000-000000000001",
        rest_key: str = "os_v2_app_secret",
    ) -> None:
        self.app_id, self.rest_key = app_id, rest_key
        self.subscriptions: set[str] = set()
        self.notifications: dict[str, dict] = {}
        self.answer: dict[str, Answer] = {}
        self.server = LocalServer(self.handle)

    def subscribe(self) -> str:
        sub = str(uuid.uuid4())
        self.subscriptions.add(sub)
        return sub

    def click(self, notification_id: str) -> None:
        self.notifications[notification_id]["converted"] = 1

    def complete(self, notification_id: str, *, failed: bool = False) -> None:
        stats = self.notifications[notification_id]
        stats.update(successful=0 if failed else 1, failed=int(failed), received=0 if failed else 1)
        stats["completed_at"] = 1764763200

    def handle(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Key {self.rest_key}":
            return Answer(
                403,
                b'{"errors": ["Access denied.  Please include an \'Authorization: ...\' header with a valid API key"]}',
            )
        if request.method == "POST" and request.path == "/notifications":
            return self._create(json.loads(request.body))
        if request.method == "GET" and request.path.startswith("/notifications/"):
            stats = self.notifications.get(request.path.rpartition("/")[2])
            if stats is None or request.query.get("app_id") != [self.app_id]:
                return Answer(404, b'{"errors": ["Couldn\'t find a notification with that id"]}')
            return Answer(200, json.dumps(stats).encode())
        return Answer(404, b'{"errors": ["Not found"]}')

    def _create(self, body: dict) -> Answer:
        if body.get("app_id") != self.app_id:
            return Answer(400, b'{"errors": ["app_id not found"]}')
        (sub,) = body["include_subscription_ids"]
        if sub in self.answer:
            return self.answer[sub]
        if sub not in self.subscriptions:
            return Answer(
                200, json.dumps({"id": "", "errors": {"invalid_player_ids": [sub]}}).encode()
            )
        notification_id = str(uuid.uuid4())
        self.notifications[notification_id] = {
            "id": notification_id,
            "headings": body["headings"],
            "contents": body["contents"],
            "successful": 0,
            "failed": 0,
            "errored": 0,
            "converted": 0,
            "received": 0,
            "remaining": 1,
            "completed_at": None,
        }
        return Answer(200, json.dumps({"id": notification_id, "external_id": None}).encode())

    def stop(self) -> None:
        self.server.stop()
