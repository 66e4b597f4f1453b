"""Huey configuration: SqliteHuey embedded, RedisHuey when REDIS_URL is set."""

from pathlib import Path
from typing import Any


def huey_settings(
    *, name: str, redis_url: str | None, var_dir: Path, immediate: bool, workers: int
) -> dict[str, Any]:
    consumer = {"workers": workers, "worker_type": "thread", "periodic": True}
    if redis_url:
        return {
            "huey_class": "huey.RedisHuey",
            "name": name,
            "url": redis_url,
            "immediate": immediate,
            "consumer": consumer,
        }
    var_dir.mkdir(parents=True, exist_ok=True)
    return {
        "huey_class": "huey.SqliteHuey",
        "name": name,
        "filename": str(var_dir / "huey.sqlite3"),
        "immediate": immediate,
        "consumer": consumer,
    }
