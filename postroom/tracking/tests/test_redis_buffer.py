"""The Redis buffer: hits wait in a list; a flusher that dies leaves them for the next one."""

import os
import subprocess
import sys
import time

import orjson
import pytest

from postroom.tracking import buffer as buffers
from postroom.tracking.models import Event
from postroom.tracking.tests.helpers import html_of, message_for, paths, sent_campaign

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
]


@pytest.fixture
def redis_buffer(settings):
    settings.TRACKING_REDIS_URL = os.environ["REDIS_URL"]
    current = buffers.RedisBuffer(settings.TRACKING_REDIS_URL)
    current.outbox.send()  # hits an earlier test left on their way
    current.redis.delete(buffers.hits_key())
    for name in current.redis.scan_iter(f"{buffers.working_prefix()}*"):
        current.redis.delete(name)
    yield current
    current.redis.delete(buffers.hits_key())


def test_hits_wait_in_redis_and_a_flush_writes_them(
    owner, smtp_server, client, redis_buffer, settings
):
    settings.TRACKING_FLUSH_SIZE = 1000
    _campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=1)
    pixel = paths(html_of(message_for(smtp_server, subscribers[0].email)), "o")[0]
    for _ in range(3):
        client.get(pixel, HTTP_USER_AGENT="Mozilla/5.0 (X11) Firefox/130")

    assert redis_buffer.waiting() == 3 and not Event.objects.exists()
    assert buffers.hits_flush() == 3
    assert Event.objects.count() == 3 and redis_buffer.waiting() == 0


def test_a_flush_abandoned_midway_is_finished_by_the_next(
    owner, smtp_server, client, redis_buffer, settings
):
    settings.TRACKING_FLUSH_SIZE = 1000
    _campaign, _run, subscribers = sent_campaign(owner, smtp_server, count=1)
    pixel = paths(html_of(message_for(smtp_server, subscribers[0].email)), "o")[0]
    client.get(pixel, HTTP_USER_AGENT="Mozilla/5.0 (X11) Firefox/130")
    client.get(pixel, HTTP_USER_AGENT="Mozilla/5.0 (X11) Firefox/130")
    assert redis_buffer.waiting() == 2
    # A flusher renamed the list, wrote the first hit, and died before trimming it.
    stale = f"{buffers.working_prefix()}dead:{time.time() - 600}"
    redis_buffer.redis.rename(buffers.hits_key(), stale)
    from postroom.tracking.ingest import hits_ingest

    first = orjson.loads(redis_buffer.redis.lindex(stale, 0))
    hits_ingest([first])

    assert buffers.hits_flush() == 2  # both read again; the first one is recognised
    assert Event.objects.count() == 2
    assert not list(redis_buffer.redis.scan_iter(f"{buffers.working_prefix()}*"))


def test_hits_gathered_by_a_process_reach_redis_when_it_exits(redis_buffer, settings):
    # given a process that records hits and exits at once, before its outbox's next send
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from postroom.tracking.buffer import hit_record\n"
        "from postroom.tracking.hits import hit_make\n"
        "settings.TRACKING_PUSH_SECONDS = 3600\n"
        "for number in range(250):\n"
        "    hit_record(hit_make('open', number + 1))\n"
    )
    env = {**os.environ, "REDIS_URL": settings.TRACKING_REDIS_URL}

    # when
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)

    # then
    assert redis_buffer.redis.llen(buffers.hits_key()) == 250


def test_installations_sharing_a_redis_keep_their_hits_apart(redis_buffer, settings):
    # given another installation (another HUEY_NAME) with hits waiting in the same Redis
    prefix = settings.TRACKING_REDIS_PREFIX
    settings.TRACKING_REDIS_PREFIX = f"{prefix}-other"
    try:
        other = buffers.RedisBuffer(settings.TRACKING_REDIS_URL)
        other.redis.delete(buffers.hits_key())
        other.redis.rpush(buffers.hits_key(), b"{}")

        # when this installation looks at its buffer
        settings.TRACKING_REDIS_PREFIX = prefix

        # then it sees none of them, and the other's stay where they are
        assert redis_buffer.waiting() == 0
        settings.TRACKING_REDIS_PREFIX = f"{prefix}-other"
        assert other.waiting() == 1
    finally:
        settings.TRACKING_REDIS_PREFIX = f"{prefix}-other"
        redis_buffer.redis.delete(buffers.hits_key())
        settings.TRACKING_REDIS_PREFIX = prefix
