"""Running an import from start to report: the one engine behind the web, the API and the CLI."""

import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.audience.imports.loaders import BatchResult, Target, loader_for
from postroom.audience.imports.rows import Record, RowParser, RowRefused
from postroom.audience.imports.source import CsvError, CsvRows, csv_shape
from postroom.audience.models import CustomField, Import, ImportIssue, ImportStatus
from postroom.core.dashboard import dashboard_invalidate

logger = logging.getLogger(__name__)
Progress = Callable[[Import], None]


def import_run(*, import_id: int, on_progress: Progress | None = None) -> Import | None:
    """Run a queued import once; None when another worker already took it.

    The claim is a conditional UPDATE that must touch one row, so a job that is
    delivered twice never imports twice. Good rows are kept whatever happens to
    bad ones; a file that cannot be read at all fails the import with the reason.
    """
    claimed = Import.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return None
    job = Import.objects.get(pk=import_id)
    try:
        _run(job, on_progress)
    except CsvError as exc:
        _finish(job, ImportStatus.FAILED, error=str(exc))
    except BaseException:  # also an interrupted CLI or a stopping worker
        logger.exception("import %s failed", job.pk)
        _finish(job, ImportStatus.FAILED, error=_("The import stopped on an unexpected error."))
        raise
    else:
        _finish(job, ImportStatus.FINISHED)
        _vacuum_subscriptions(job)
    finally:
        # The addresses were only needed for the import; the report stays.
        if job.file:
            job.file.delete(save=False)
            Import.objects.filter(pk=job.pk).update(file="")
    if on_progress:
        on_progress(job)
    return job


def _run(job: Import, on_progress: Progress | None) -> None:
    path = Path(job.file.path)
    shape = csv_shape(path)
    job.encoding, job.delimiter, job.total_bytes = (
        shape.encoding,
        shape.delimiter,
        path.stat().st_size,
    )
    job.save(update_fields=["encoding", "delimiter", "total_bytes", "updated_at"])
    fields = list(CustomField.objects.filter(workspace_id=job.workspace_id))
    parser = RowParser(shape.header, job.mapping, fields)
    target = Target(
        workspace_id=job.workspace_id,
        mode=job.mode,
        list_ids=tuple(job.lists.values_list("id", flat=True)),
        subscription_status=job.subscription_status,
        defaults=parser.defaults,
        by_external_id="external_id" in job.mapping.values(),
    )
    loader = loader_for(target)
    seen: set[str] = set()
    batch: list[Record] = []
    issues: list[ImportIssue] = []
    with CsvRows(path, shape) as rows, _Writer(loader) as writer:
        for line, cells in rows:
            job.rows += 1
            try:
                record = parser.parse(line, cells)
            except RowRefused as refused:
                job.invalid += 1
                issues.append(
                    ImportIssue(
                        import_job=job,
                        line=line,
                        email=refused.email[:320],
                        reason=refused.reason[:255],
                    )
                )
                continue
            # A row naming an address or an external id seen earlier is a duplicate.
            keys = _keys(record)
            if not seen.isdisjoint(keys):
                job.duplicates += 1
                continue
            seen.update(keys)
            batch.append(record)
            if len(batch) >= loader.batch_size:
                done = writer.submit(batch)
                _flush(job, done, issues, rows.position, on_progress)
                batch, issues = [], []
        for line, reason in rows.errors:
            job.invalid += 1
            issues.append(
                ImportIssue(
                    import_job=job, line=line, reason=_("Unreadable row: %(e)s") % {"e": reason}
                )
            )
        done = writer.submit(batch) if batch else BatchResult()
        _flush(job, _merge(done, writer.drain()), issues, rows.position, on_progress)


def _keys(record: Record) -> tuple[str, ...]:
    if not record.external_id:
        return (record.email,)
    # No address holds a NUL, so the two kinds of key never meet.
    external = "\x00" + record.external_id
    return (record.email, external) if record.email else (external,)


class _Writer:
    """Loads batches, on PostgreSQL in writer threads while the next batch is parsed.

    The database works on batches while Python reads and checks the next one.
    Two writers, each with its own connection, keep the database busy while
    one of them waits for a round trip or a WAL write; batches never share an
    address, so they never wait for each other's rows. At most WRITERS batches
    are in flight, so memory stays bounded; `submit` returns the result of the
    oldest one once they are all busy.
    """

    WRITERS = 2

    def __init__(self, loader: Any) -> None:
        self._loader = loader
        concurrent = settings.IMPORT_PIPELINE and getattr(loader, "concurrent", False)
        # One thread per pool: a batch goes to the writer whose last batch is done.
        self._pools = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"import-writer-{i}")
            for i in range(self.WRITERS if concurrent else 0)
        ]
        self._pending: deque[Future[BatchResult]] = deque()
        self._submitted = 0

    def submit(self, batch: list[Record]) -> BatchResult:
        if not self._pools:
            result: BatchResult = self._loader.load(batch)
            return result
        staged = self._loader.stage(batch)  # encoding needs the GIL: done here, not there
        full = len(self._pending) == len(self._pools)
        previous = self._pending.popleft().result() if full else BatchResult()
        pool = self._pools[self._submitted % len(self._pools)]
        self._submitted += 1
        self._pending.append(pool.submit(self._loader.write, staged))
        return previous

    def drain(self) -> BatchResult:
        result = BatchResult()
        while self._pending:
            result = _merge(result, self._pending.popleft().result())
        return result

    def __enter__(self) -> "_Writer":
        return self

    def __exit__(self, *exc: object) -> None:
        # Each writer keeps its connection (and staging table) from batch to
        # batch; it is closed once, by the thread that owns it.
        for pool in self._pools:
            pool.submit(_close_connection)
            pool.shutdown(wait=True)


def _close_connection() -> None:
    connection.close()  # `connection` is the calling thread's


def _merge(a: BatchResult, b: BatchResult) -> BatchResult:
    return BatchResult(
        created=a.created + b.created,
        updated=a.updated + b.updated,
        unchanged=a.unchanged + b.unchanged,
    )


def _flush(
    job: Import,
    result: BatchResult,
    issues: list[ImportIssue],
    position: int,
    on_progress: Progress | None,
) -> None:
    job.created += result.created
    job.updated += result.updated
    job.unchanged += result.unchanged
    job.processed_bytes = position
    with transaction.atomic():
        ImportIssue.objects.bulk_create(issues, batch_size=1000)
        Import.objects.filter(pk=job.pk).update(
            rows=job.rows,
            created=job.created,
            updated=job.updated,
            unchanged=job.unchanged,
            duplicates=job.duplicates,
            invalid=job.invalid,
            processed_bytes=job.processed_bytes,
            updated_at=timezone.now(),
        )
    if on_progress:
        on_progress(job)


VACUUM_AFTER_ROWS = 10_000


def _vacuum_subscriptions(job: Import) -> None:
    """Vacuum the subscription table after a large import (PostgreSQL, outside a transaction).

    Segments and sends ask "is this subscriber on the list" with an index-only
    probe, which reads the table instead as long as the visibility map does not
    know the new rows: until autovacuum comes by, and never where it is off.
    Vacuuming skips the pages already all-visible, so it costs about what the
    import wrote (a fraction of a second for a million subscriptions).
    """
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or job.created + job.updated < VACUUM_AFTER_ROWS
    ):
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM audience_subscription")
    except DatabaseError:  # the import is done; autovacuum will come by
        logger.warning("vacuum after import %s failed", job.pk, exc_info=True)


def _finish(job: Import, status: str, *, error: str = "") -> None:
    dashboard_invalidate(workspace_id=job.workspace_id)
    job.status, job.error, job.finished_at = status, error, timezone.now()
    Import.objects.filter(pk=job.pk).update(
        status=status, error=error, finished_at=job.finished_at, updated_at=job.finished_at
    )
