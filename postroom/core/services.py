import socket

from django.utils import timezone

from postroom.core.models import WorkerHeartbeat


def worker_heartbeat_record(*, name: str | None = None) -> WorkerHeartbeat:
    """Record that the worker `name` (default: this host) is alive now."""
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name or socket.gethostname(), defaults={"beat_at": timezone.now()}
    )
    return beat
