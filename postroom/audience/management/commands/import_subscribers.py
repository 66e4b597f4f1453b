import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from postroom.accounts.models import Workspace
from postroom.audience.imports.engine import import_run
from postroom.audience.models import Import, ImportMode, MailingList, SubscriptionStatus
from postroom.audience.services.imports import import_start, import_upload


class Command(BaseCommand):
    help = "Import subscribers from a CSV file, with the same engine as the web import."
    # The system checks import every URLconf, view and API schema module, which
    # an import never uses: a second of each start (`manage.py check` runs them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--workspace", type=int, required=True, help="workspace id")
        parser.add_argument("--list", type=int, action="append", default=[], dest="lists")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.ADD)
        parser.add_argument(
            "--status", choices=SubscriptionStatus.values, default=SubscriptionStatus.SUBSCRIBED
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        workspace = Workspace.objects.filter(pk=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']}")
        lists = list(MailingList.objects.filter(workspace=workspace, pk__in=options["lists"]))
        if len(lists) != len(set(options["lists"])):
            raise CommandError("Unknown list for this workspace")
        try:
            with path.open("rb") as handle:
                job = import_upload(
                    workspace=workspace, user=None, upload=File(handle, name=path.name)
                )
            import_start(
                job=job,
                mode=options["mode"],
                lists=lists,
                subscription_status=options["status"],
                enqueue=False,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        started = time.monotonic()
        show = None if options["quiet"] else self._progress(started)
        job = import_run(import_id=job.pk, on_progress=show) or job
        if show:
            sys.stderr.write("\n")
        self.stdout.write(
            f"{job.status}: {job.rows} rows, {job.created} created, {job.updated} updated, "
            f"{job.unchanged} unchanged, {job.duplicates} duplicates, {job.invalid} invalid "
            f"in {time.monotonic() - started:.1f} s (import {job.pk})"
        )
        for issue in job.issues.all()[:20]:
            self.stdout.write(f"  line {issue.line}: {issue.reason}")
        if job.invalid > 20:
            self.stdout.write(f"  ... and {job.invalid - 20} more invalid rows")
        if job.error:
            raise CommandError(job.error)

    def _progress(self, started: float) -> Any:
        def show(job: Import) -> None:
            share = job.progress
            bar = "#" * int(share * 40)
            rate = job.rows / max(time.monotonic() - started, 1e-6)
            sys.stderr.write(f"\r[{bar:<40}] {share:6.1%} {job.rows:>10,} rows {rate:>9,.0f}/s")
            sys.stderr.flush()

        return show
