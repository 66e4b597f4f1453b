import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from postroom.campaigns.models import Campaign, CampaignRun
from postroom.campaigns.selectors import campaign_audience
from postroom.campaigns.services import campaign_send_now
from postroom.delivery.models import OPEN, PENDING, Delivery, DeliveryStatus
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.sending.prepare import prepare_run, recipients_load
from postroom.delivery.transports.relays import relay_for_workspace
from postroom.experiments.services import rounds_step_due


class Command(BaseCommand):
    help = "Send a campaign now through the delivery engine, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", type=int, help="campaign id")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="count the audience and render the first message; send and change nothing",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="stay until deferred recipients are retried too (else the workers retry them)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = (
            Campaign.objects.select_related("workspace", "message")
            .filter(pk=options["campaign"])
            .first()
        )
        if campaign is None:
            raise CommandError(f"No campaign {options['campaign']}")
        relay = relay_for_workspace(campaign.workspace_id)
        if options["dry_run"]:
            self._dry_run(campaign, relay.name)
            return
        try:
            run = campaign_send_now(actor=None, campaign=campaign)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if run is None:
            raise CommandError("This campaign needs approval before it can be sent.")
        created = run_launch(run.pk)
        self.stdout.write(f"run {run.pk}: {created} recipients, relay {relay.name}")
        started = time.monotonic()
        show = None if options["quiet"] else self._progress(run, created, started)
        while True:
            report = run_send(run.pk, on_progress=show)
            if show:
                show(report)
            # An experiment's winner or next wave, when due (the worker's job too).
            released = rounds_step_due()
            left = Delivery.objects.filter(run=run, status__in=OPEN)
            if not left.exists() or report.stopped in ("paused", "cancelled", "disabled"):
                break
            if released:
                continue  # released rows are claimed, and given their variant, by the next job
            due = left.filter(status__in=PENDING).aggregate(at=Min("next_attempt_at"))["at"]
            if due is not None and due <= timezone.now():
                continue
            if not options["wait"]:
                break
            time.sleep(min(5.0, max(0.2, (due - timezone.now()).total_seconds() if due else 1)))
        if show:
            self.stderr.write("")
        counts = dict(
            Delivery.objects.filter(run=run).values_list("status").annotate(n=Count("id"))
        )
        summary = ", ".join(
            f"{counts.get(s, 0)} {s}" for s in DeliveryStatus.values if counts.get(s)
        )
        self.stdout.write(f"{summary or 'nothing to send'} in {time.monotonic() - started:.1f} s")
        if counts.get(DeliveryStatus.DEFERRED):
            self.stdout.write("deferred recipients are retried by the workers (or run with --wait)")

    def _dry_run(self, campaign: Campaign, relay: str) -> None:
        audience = campaign_audience(campaign)
        count = audience.count()
        self.stdout.write(f"{campaign.name}: {count} recipients, relay {relay}")
        first = audience.order_by("pk").first()
        if first is None or campaign.message is None:
            return  # nobody, or a push campaign (no message to show)
        with transaction.atomic():
            # Rendered inside a transaction that is rolled back: nothing is kept.
            run = CampaignRun(campaign=campaign, scheduled_for=timezone.now())
            prepared = prepare_run(run)
            data = recipients_load(prepared, [first.pk]).get(first.pk)
            if data is not None:
                built = prepared.build(0, data)
                head = built.data.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
                self.stdout.write(f"first message, to {first.email} ({len(built.data)} bytes):")
                self.stdout.write(head)
            transaction.set_rollback(True)

    def _progress(self, run: CampaignRun, total: int, started: float) -> Any:
        def show(_report: Any) -> None:
            counts = dict(
                Delivery.objects.filter(run=run).values_list("status").annotate(n=Count("id"))
            )
            done = total - sum(counts.get(s, 0) for s in OPEN)
            share = done / total if total else 1.0
            rate = counts.get(DeliveryStatus.SENT, 0) / max(time.monotonic() - started, 1e-6)
            self.stderr.write(
                f"\r[{'#' * int(share * 40):<40}] {share:6.1%} {done:>9,}/{total:,} "
                f"sent {counts.get(DeliveryStatus.SENT, 0):,} deferred "
                f"{counts.get(DeliveryStatus.DEFERRED, 0):,} failed "
                f"{counts.get(DeliveryStatus.FAILED, 0):,} {rate:,.0f}/s",
                ending="",
            )
            self.stderr.flush()

        return show
