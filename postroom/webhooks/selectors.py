"""Reads of the webhooks app: which endpoints want which events (cached), and the logs."""

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from postroom.webhooks.models import WebhookAttempt, WebhookEndpoint, WebhookMessage

_TTL = 3600


def _key(workspace_id: int) -> str:
    return f"webhooks:subscriptions:{workspace_id}"


def subscriptions(workspace_id: int) -> list[tuple[int, frozenset[str]]]:
    """The workspace's active endpoints and their event types: one cache read when cached.

    Every change of an endpoint forgets it (`subscriptions_forget`), so the
    engine's writes pay one cache read for a workspace without endpoints.
    """
    cached = cache.get(_key(workspace_id))
    if cached is None:
        rows = WebhookEndpoint.objects.filter(workspace_id=workspace_id, is_active=True)
        cached = [(pk, list(types)) for pk, types in rows.values_list("pk", "event_types")]
        cache.set(_key(workspace_id), cached, _TTL)
    return [(pk, frozenset(types)) for pk, types in cached]


def types_wanted(workspace_id: int) -> frozenset[str]:
    wanted: set[str] = set()
    for _pk, types in subscriptions(workspace_id):
        wanted |= types
    return frozenset(wanted)


def subscriptions_forget(workspace_id: int) -> None:
    cache.delete(_key(workspace_id))


def message_log(endpoint: WebhookEndpoint, *, status: str = "") -> QuerySet[WebhookMessage]:
    """The endpoint's messages, newest first, each with its attempts (two queries a page)."""
    messages = endpoint.messages.prefetch_related(
        Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("-at", "-pk"))
    )
    return messages.filter(status=status) if status else messages
