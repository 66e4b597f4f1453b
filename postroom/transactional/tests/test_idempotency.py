"""An Idempotency-Key is honoured for 24 hours: a retry answers with the first messages, no second mail."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from postroom.delivery.models import Delivery
from postroom.transactional.models import TxMessage
from postroom.transactional.tests.factories import TxTemplateFactory, send_body


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_messages(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)

    first = client.post(
        "/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert first.status_code == again.status_code == 202
    assert again.json()["messages"] == first.json()["messages"]
    assert (first.json()["replayed"], again.json()["replayed"]) == (False, True)
    assert TxMessage.objects.count() == 1 and Delivery.objects.filter(run=None).count() == 1


@pytest.mark.django_db
def test_the_same_key_for_another_request_is_a_conflict(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)

    client.post("/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        "/api/v1/tx/",
        send_body(template, to="bob@example.com"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )

    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"


@pytest.mark.django_db
def test_a_key_is_forgotten_after_24_hours(api, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    client = api(owner.user)
    client.post("/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        later = client.post(
            "/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        )

    assert later.status_code == 202 and later.json()["replayed"] is False
    assert TxMessage.objects.count() == 2


@pytest.mark.django_db
def test_keys_are_per_workspace(api, owner, other_owner):
    mine = TxTemplateFactory(workspace=owner.workspace)
    theirs = TxTemplateFactory(workspace=other_owner.workspace)

    a = api(owner.user).post(
        "/api/v1/tx/", send_body(mine), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    b = api(other_owner.user).post(
        "/api/v1/tx/", send_body(theirs), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )

    assert a.json()["messages"] != b.json()["messages"] and b.json()["replayed"] is False


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_the_same_key_make_one_message(api, owner):
    # given two clients sending the same request with the same key at the same moment
    template = TxTemplateFactory(workspace=owner.workspace)
    barrier, answers = threading.Barrier(2), []

    def retry() -> None:
        try:
            client = api(owner.user)
            barrier.wait()
            answers.append(
                client.post(
                    "/api/v1/tx/", send_body(template), format="json", HTTP_IDEMPOTENCY_KEY="race"
                )
            )
        finally:
            connections.close_all()

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    # when
    threads = [threading.Thread(target=retry) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one message, and both answers name it
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json()["messages"] == answers[1].json()["messages"]
    assert TxMessage.objects.count() == 1 and Delivery.objects.filter(run=None).count() == 1
    assert sorted(a.json()["replayed"] for a in answers) == [False, True]
