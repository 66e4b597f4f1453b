"""A submission starts the lane's job on commit: with no campaign running, the message goes at once."""

import pytest

from postroom.delivery.tests.factories import relay_for
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


def test_the_lane_job_sends_the_message_once_the_request_committed(
    api, owner, smtp_server, django_capture_on_commit_callbacks
):
    relay_for(smtp_server, owner.workspace)
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/api/v1/tx/", send_body(template), format="json")
    status = client.get(f"/api/v1/tx/{response.json()['messages'][0]['id']}/").json()["status"]

    assert len(callbacks) == 1
    assert status == "sent"
    assert [r.recipient for r in smtp_server.received] == ["ann@example.com"]


def test_a_replayed_request_starts_no_job(api, owner, django_capture_on_commit_callbacks):
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)
    client.post("/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="once")

    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="once")

    assert callbacks == []
