"""A gateway receiving the webhook channel: checks each signature with the Standard Webhooks library."""

import json

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from postroom.push.tests.peers.server import Answer, LocalServer, Received


class WebhookReceiver:
    def __init__(self, secret: str) -> None:
        self.verifier = Webhook(secret)
        self.accepted: list[dict] = []
        self.refused = 0
        self.answer: Answer | None = None
        self.server = LocalServer(self.handle)

    def handle(self, request: Received) -> Answer:
        try:
            self.verifier.verify(request.body, request.headers)
        except WebhookVerificationError:
            self.refused += 1
            return Answer(401, b"bad signature")
        if self.answer is not None:
            return self.answer
        self.accepted.append(json.loads(request.body))
        return Answer(202, b'{"queued": true}')

    def stop(self) -> None:
        self.server.stop()
