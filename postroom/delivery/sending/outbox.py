"""The outbox as campaigns see it (`postroom.campaigns.outbox.Outbox`), registered at start-up."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from postroom.campaigns.models import RunStatus
from postroom.delivery.models import Delivery, DeliveryStatus
from postroom.delivery.sending.outcomes import runs_cancel_pending
from postroom.delivery.signals import DeliveriesRecorded, deliveries_recorded
from postroom.delivery.tasks import run_launch_job, run_send_enqueue


class DeliveryOutbox:
    def runs_start(self, runs: list[tuple[int, str]], *, workspace_id: int) -> None:
        def start() -> None:
            for run_id, status in runs:
                if status == RunStatus.DUE:
                    run_launch_job(run_id)
                else:
                    run_send_enqueue(run_id, workspace_id)

        if runs:
            transaction.on_commit(start)

    def runs_cancel_pending(self, run_ids: Iterable[int]) -> int:
        return runs_cancel_pending(list(run_ids))

    def runs_requeue_failed(self, *, campaign_id: int, run_ids: list[int]) -> dict[int, int]:
        failed = Delivery.objects.filter(run_id__in=run_ids, status=DeliveryStatus.FAILED)
        per_run = dict(failed.values("run_id").annotate(n=Count("id")).values_list("run_id", "n"))
        failed.update(
            status=DeliveryStatus.QUEUED, next_attempt_at=timezone.now(), first_attempt_at=None
        )
        for run_id, n in per_run.items():  # they are failed no more
            record = DeliveriesRecorded(
                campaign_id=campaign_id, run_id=run_id, at=timezone.now(), failed=-n
            )
            deliveries_recorded.send(sender=Delivery, record=record)
        return per_run
