"""Where hits wait before they are written: Redis when configured, else the web process.

With Redis, a hit is one RPUSH; the first hit of an empty buffer schedules a
flush a moment later and every TRACKING_FLUSH_SIZE-th one asks for a flush at
once, so numbers move in near real time with few, large writes. A flush
renames the list before reading it and deletes each part only after its
batch is committed: a flusher that dies leaves its list to the next one, and
event ids make the replay harmless.

Without Redis, each web process keeps hits in memory and writes them from a
background thread every TRACKING_FLUSH_SECONDS, when TRACKING_FLUSH_SIZE are
waiting, and when the process exits cleanly.
"""

import atexit
import logging
import threading
import time
import uuid
from functools import lru_cache
from typing import Any

import orjson
import redis
from django.conf import settings

from postroom.tracking.ingest import hits_ingest

logger = logging.getLogger(__name__)

KEY = "postroom:tracking:hits"
WORKING = "postroom:tracking:flushing:"
LOCK = "postroom:tracking:flush-lock"
READ_CHUNK = 2000
STALE_SECONDS = 120


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


class RedisBuffer:
    def __init__(self, url: str) -> None:
        self.redis = _client(url)

    def push(self, hit: dict[str, Any]) -> None:
        waiting = self.redis.rpush(KEY, orjson.dumps(hit))
        if waiting == 1 or waiting % settings.TRACKING_FLUSH_SIZE == 0:
            from postroom.tracking.tasks import tracking_flush_soon

            tracking_flush_soon(now=waiting != 1)

    def waiting(self) -> int:
        return int(self.redis.llen(KEY))

    def flush(self) -> int:
        """Write everything waiting (and lists abandoned by dead flushers); hits written."""
        lock = self.redis.lock(LOCK, timeout=300, blocking_timeout=30)
        if not lock.acquire():
            return 0
        try:
            written = 0
            for name in self.redis.scan_iter(f"{WORKING}*"):
                started = float(name.decode().rsplit(":", 1)[1])
                if time.time() - started > STALE_SECONDS:
                    written += self._drain(name)
            name = f"{WORKING}{uuid.uuid4().hex}:{time.time()}".encode()
            try:
                self.redis.rename(KEY, name)
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


class LocalBuffer:
    def __init__(self) -> None:
        self.hits: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        atexit.register(self.flush)

    def push(self, hit: dict[str, Any]) -> None:
        with self.lock:
            self.hits.append(hit)
            full = len(self.hits) >= settings.TRACKING_FLUSH_SIZE
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="tracking-flush", daemon=True)
                self.thread.start()
        if full:
            self.wake.set()

    def waiting(self) -> int:
        return len(self.hits)

    def _run(self) -> None:
        while True:
            self.wake.wait(settings.TRACKING_FLUSH_SECONDS)
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # the hits stay in memory for the next try
                logger.exception("tracking: writing buffered hits failed")
            finally:
                from django.db import connection

                connection.close()

    def flush(self) -> int:
        with self.lock:
            hits, self.hits = self.hits, []
        if not hits:
            return 0
        try:
            hits_ingest(hits)
        except Exception:
            with self.lock:
                self.hits[:0] = hits
            raise
        return len(hits)


_LOCAL = LocalBuffer()


def buffer() -> RedisBuffer | LocalBuffer:
    url = settings.TRACKING_REDIS_URL
    return RedisBuffer(url) if url else _LOCAL


def hit_record(hit: dict[str, Any]) -> None:
    buffer().push(hit)


def hits_flush() -> int:
    return buffer().flush()
