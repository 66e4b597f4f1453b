"""OneSignal's delivery statuses, pulled: the intake the seed's ETL was.

`onesignal_outcomes_poll` asks OneSignal for each notification it took and
not yet reported final, and returns plain records (delivered, failed,
clicked); it also sends them with `push_outcomes_polled`, for tracking to
count once it does.
"""

import datetime as dt
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction

from postroom.push.models import ProviderMessage
from postroom.push.providers.base import http_client, provider_config
from postroom.push.providers.onesignal import onesignal_headers
from postroom.push.signals import push_outcomes_polled

POLL_BATCH = 200


@dataclass(frozen=True)
class PushOutcome:
    delivery_id: int | None
    message_id: str
    recipient: str
    delivered: bool
    failed: bool
    clicked: bool
    final: bool


def outcome_read(row: ProviderMessage, answer: dict[str, object]) -> PushOutcome:
    """One notification's figures (OneSignal counts per notification; ours go to one device)."""

    def count(name: str) -> int:
        value = answer.get(name)
        return value if isinstance(value, int) else 0

    return PushOutcome(
        delivery_id=row.delivery_id,
        message_id=row.message_id,
        recipient=row.recipient,
        delivered=count("received") > 0 or count("successful") > 0,
        failed=count("failed") + count("errored") > 0,
        clicked=count("converted") > 0,
        final=answer.get("completed_at") is not None,
    )


def onesignal_outcomes_poll(*, workspace_id: int, now: dt.datetime) -> list[PushOutcome]:
    """Poll the workspace's notifications not yet final; rows found final are not polled again."""
    config = provider_config(workspace_id, "onesignal")
    if config is None:
        return []
    rows = list(
        ProviderMessage.objects.filter(
            workspace_id=workspace_id, kind="onesignal", done=False
        ).order_by("pk")[:POLL_BATCH]
    )
    client = http_client("onesignal")
    outcomes: list[PushOutcome] = []
    for row in rows:
        url = f"{settings.PUSH_ONESIGNAL_URL}/notifications/{row.message_id}"
        try:
            response = client.get(
                url, params={"app_id": config.onesignal_app_id}, headers=onesignal_headers(config)
            )
            answer = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            answer = None
        row.polled_at = now
        if isinstance(answer, dict):
            outcome = outcome_read(row, answer)
            row.done = outcome.final
            outcomes.append(outcome)
    with transaction.atomic():
        ProviderMessage.objects.bulk_update(rows, ["polled_at", "done"])
        push_outcomes_polled.send(
            sender=ProviderMessage, workspace_id=workspace_id, outcomes=outcomes
        )
    return outcomes
