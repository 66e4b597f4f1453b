"""Where hits wait before they are written: Redis when configured, else the web process.

With Redis, each web process gathers its hits for TRACKING_PUSH_SECONDS (or
until TRACKING_PUSH_SIZE wait) and sends them in one RPUSH from a background
thread: a round trip to Redis per hit cost the pixel most of its time. What a
process has gathered is sent when it exits cleanly (a restart, a deploy), so
only a killed process can lose hits, those of its last fraction of a second.
The first hit of an empty buffer schedules a flush a moment later and every
TRACKING_FLUSH_SIZE-th one asks for a flush at once, so numbers move in near
real time with few, large writes. A flush
renames the list before reading it and deletes each part only after its
batch is committed: a flusher that dies leaves its list to the next one, and
event ids make the replay harmless.

Without Redis, each web process keeps hits in memory and writes them from a
background thread every TRACKING_FLUSH_SECONDS, when TRACKING_FLUSH_SIZE are
waiting, and when the process exits cleanly.
"""

import logging
import os
import threading
import time
import uuid
from functools import lru_cache
from typing import Any

import orjson
import redis
from django.conf import settings

from postroom.core.exits import at_exit
from postroom.tracking.ingest import hits_ingest

logger = logging.getLogger(__name__)


def hits_key() -> str:
    """The list hits wait in; keys carry the installation's name (TRACKING_REDIS_PREFIX)."""
    return f"{settings.TRACKING_REDIS_PREFIX}:hits"


def working_prefix() -> str:
    return f"{settings.TRACKING_REDIS_PREFIX}:flushing:"


def lock_key() -> str:
    return f"{settings.TRACKING_REDIS_PREFIX}:flush-lock"


READ_CHUNK = 2000
STALE_SECONDS = 120


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _send(client: redis.Redis, items: list[bytes]) -> None:
    """RPUSH encoded hits; ask for a flush when they start a buffer or fill a batch."""
    waiting = int(client.rpush(hits_key(), *items))
    before = waiting - len(items)
    size = settings.TRACKING_FLUSH_SIZE
    if before == 0 or before // size != waiting // size:
        from postroom.tracking.tasks import tracking_flush_soon

        tracking_flush_soon(now=before != 0)


class HeldBatch:
    """Items held in this process and handed on in one batch: every `seconds()`, when
    `size()` wait, and when the process exits cleanly. A failed hand-over keeps them."""

    name = "held-batch"

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.lock = threading.Lock()  # guards items
        self.sending = threading.Lock()  # held while a batch is on its way
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        at_exit(self.send)

    def seconds(self) -> float:
        raise NotImplementedError

    def size(self) -> int:
        raise NotImplementedError

    def deliver(self, items: list[Any]) -> None:
        raise NotImplementedError

    def after_round(self) -> None:
        """What the background thread does after each of its rounds."""

    def add(self, item: Any) -> int:
        """Hold `item`; the number now waiting."""
        with self.lock:
            self.items.append(item)
            waiting = len(self.items)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self.thread.start()
        if waiting >= self.size():
            self.wake.set()
        return waiting

    def send(self) -> int:
        """Hand on what waits now (after a batch already on its way); items handed on."""
        with self.sending:
            with self.lock:
                items, self.items = self.items, []
            if not items:
                return 0
            try:
                self.deliver(items)
            except Exception:
                with self.lock:
                    self.items[:0] = items
                raise
            return len(items)

    def _run(self) -> None:
        while True:
            self.wake.wait(self.seconds())
            self.wake.clear()
            try:
                self.send()
            except Exception:  # the items stay here for the next try
                logger.exception("tracking: handing on held hits failed (%s)", self.name)
                time.sleep(1)
            finally:
                self.after_round()


class Outbox(HeldBatch):
    """A process's hits on their way to Redis: sent in one RPUSH every moment, and at exit."""

    name = "tracking-push"

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__()

    def seconds(self) -> float:
        return float(settings.TRACKING_PUSH_SECONDS)

    def size(self) -> int:
        return int(settings.TRACKING_PUSH_SIZE)

    def deliver(self, items: list[bytes]) -> None:
        _send(_client(self.url), items)

    def add(self, item: bytes) -> int:
        waiting = super().add(item)
        if (
            waiting >= settings.TRACKING_PUSH_MAX
        ):  # Redis is away: wait for it, as without an outbox
            self.send()
        return waiting

    def forget(self) -> None:
        """In a forked child: the parent sends its own hits; the child starts afresh."""
        self.items = []
        self.lock = threading.Lock()
        self.sending = threading.Lock()
        self.wake = threading.Event()
        self.thread = None


_OUTBOXES: dict[str, Outbox] = {}
_OUTBOXES_LOCK = threading.Lock()


def _outbox(url: str) -> Outbox:
    found = _OUTBOXES.get(url)
    if found is None:
        with _OUTBOXES_LOCK:
            found = _OUTBOXES.setdefault(url, Outbox(url))
    return found


def _forget_outboxes() -> None:
    for outbox in _OUTBOXES.values():
        outbox.forget()


os.register_at_fork(after_in_child=_forget_outboxes)


class RedisBuffer:
    def __init__(self, url: str) -> None:
        self.redis = _client(url)
        self.outbox = _outbox(url)

    def push(self, hit: dict[str, Any]) -> None:
        self.outbox.add(orjson.dumps(hit))

    def waiting(self) -> int:
        """Hits waiting in Redis, after this process's own have been sent."""
        self.outbox.send()
        return int(self.redis.llen(hits_key()))

    def flush(self) -> int:
        """Write everything waiting (and lists abandoned by dead flushers); hits written."""
        self.outbox.send()
        lock = self.redis.lock(lock_key(), timeout=300, blocking_timeout=30)
        if not lock.acquire():
            return 0
        try:
            written = 0
            for name in self.redis.scan_iter(f"{working_prefix()}*"):
                started = float(name.decode().rsplit(":", 1)[1])
                if time.time() - started > STALE_SECONDS:
                    written += self._drain(name)
            name = f"{working_prefix()}{uuid.uuid4().hex}:{time.time()}".encode()
            try:
                self.redis.rename(hits_key(), name)
            except redis.ResponseError:  # nothing waiting
                return written
            return written + self._drain(name)
        finally:
            lock.release()

    def _drain(self, name: bytes) -> int:
        written = 0
        while True:
            raw = self.redis.lrange(name, 0, READ_CHUNK - 1)
            if not raw:
                self.redis.delete(name)
                return written
            hits_ingest([orjson.loads(item) for item in raw])
            self.redis.ltrim(name, len(raw), -1)
            written += len(raw)


class LocalBuffer(HeldBatch):
    """Without Redis: the hits wait in this process and are written from its thread."""

    name = "tracking-flush"

    def seconds(self) -> float:
        return float(settings.TRACKING_FLUSH_SECONDS)

    def size(self) -> int:
        return int(settings.TRACKING_FLUSH_SIZE)

    def deliver(self, items: list[dict[str, Any]]) -> None:
        hits_ingest(items)

    def after_round(self) -> None:
        from django.db import connection

        connection.close()  # the thread's own connection, not a request's

    def push(self, hit: dict[str, Any]) -> None:
        self.add(hit)

    def waiting(self) -> int:
        return len(self.items)

    def flush(self) -> int:
        return self.send()


_LOCAL = LocalBuffer()


def buffer() -> RedisBuffer | LocalBuffer:
    url = settings.TRACKING_REDIS_URL
    return RedisBuffer(url) if url else _LOCAL


def hit_record(hit: dict[str, Any]) -> None:
    buffer().push(hit)


def hits_flush() -> int:
    return buffer().flush()
