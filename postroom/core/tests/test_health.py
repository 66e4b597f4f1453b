from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from postroom.core.services import worker_heartbeat_record
from postroom.core.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def test_it_reports_database_cache_and_a_live_worker(client):
    worker_heartbeat()

    body = client.get("/health/").json()

    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["cache"]["status"] == "ok"
    assert body["worker"]["status"] == "ok"


def test_it_reports_a_missing_worker(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "missing"
    assert response.json()["status"] == "degraded"


def test_it_reports_a_stale_worker_when_the_heartbeat_is_old(client, settings):
    settings.WORKER_STALE_SECONDS = 180
    worker_heartbeat_record(name="worker-1")

    with time_machine.travel(timezone.now() + timedelta(seconds=181)):
        body = client.get("/health/").json()

    assert body["worker"]["status"] == "stale"
    assert body["worker"]["age_seconds"] >= 181


def test_the_newest_heartbeat_of_several_workers_counts(client):
    with time_machine.travel(timezone.now() - timedelta(hours=1)):
        worker_heartbeat_record(name="old-machine")
    worker_heartbeat_record(name="new-machine")

    assert client.get("/health/").json()["worker"]["worker"] == "new-machine"
