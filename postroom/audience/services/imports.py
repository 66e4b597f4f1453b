import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from postroom.accounts.models import User, Workspace
from postroom.audience.imports.mapping import (
    ATTRIBUTE_PREFIX,
    PLAIN_TARGETS,
    mapping_guess,
    mapping_validate,
)
from postroom.audience.imports.source import (
    SAMPLE_BYTES,
    CsvError,
    CsvShape,
    csv_shape,
    csv_shape_of,
)
from postroom.audience.models import (
    CustomField,
    Import,
    ImportMapping,
    ImportMode,
    ImportStatus,
    MailingList,
)


def _attribute_names(workspace: Workspace) -> list[str]:
    return list(CustomField.objects.filter(workspace=workspace).values_list("name", flat=True))


def import_shape(*, job: Import) -> CsvShape:
    try:
        return csv_shape(Path(job.file.path))
    except CsvError as exc:
        raise ValidationError({"file": str(exc)}) from exc


def header_key(header: list[str]) -> str:
    """The same key for the same set of column names, in any order."""
    return hashlib.sha256(json.dumps(sorted(set(header))).encode()).hexdigest()


def _mapping_for(workspace: Workspace, header: list[str]) -> dict[str, str]:
    """The mapping last used for these columns in this workspace, else a guess from their names."""
    names = _attribute_names(workspace)
    remembered = (
        ImportMapping.objects.filter(workspace=workspace, header_key=header_key(header))
        .values_list("mapping", flat=True)
        .first()
    )
    if remembered is None:
        return mapping_guess(header, names)
    # A custom field deleted since is not offered again.
    targets = set(PLAIN_TARGETS) | {ATTRIBUTE_PREFIX + n for n in names}
    return {c: t if (t := remembered.get(c, "")) in targets else "" for c in header}


PENDING = (ImportStatus.DRAFT, ImportStatus.QUEUED, ImportStatus.RUNNING)


def _quota_check(workspace: Workspace, size: int) -> None:
    """Refuse a file that would take the workspace's waiting imports over their quota.

    Files are kept from upload until their import ends (drafts for DRAFT_TTL
    hours), so one workspace could otherwise fill the disk with drafts.
    """
    quota = settings.IMPORT_PENDING_MAX_BYTES
    held = (
        Import.objects.filter(workspace=workspace, status__in=PENDING)
        .exclude(file="")
        .aggregate(total=Sum("total_bytes"))["total"]
        or 0
    )
    if held + size > quota:
        mb = 1024 * 1024
        raise ValidationError(
            {
                "file": _(
                    "Files waiting to be imported in this workspace already take %(held)s of "
                    "%(quota)s MB. Start or finish those imports (unstarted ones are dropped "
                    "after %(hours)s hours), then upload again."
                )
                % {"held": -(-held // mb), "quota": quota // mb, "hours": DRAFT_TTL}
            }
        )


@transaction.atomic
def import_upload(
    *,
    workspace: Workspace,
    user: User | None,
    upload: File,
    lists: Iterable[MailingList] = (),
) -> Import:
    """Store an uploaded CSV as a draft import with a column mapping and lists to confirm.

    The mapping is the one last used for the same columns, else guessed from
    their names. Refuses files over IMPORT_MAX_BYTES, files over the
    workspace's quota for waiting imports, and files that are not readable
    CSV: all of it checked on the upload's first bytes, before anything is
    written to the storage.
    """
    lists = list(lists)
    if any(m.workspace_id != workspace.pk for m in lists):
        raise ValidationError({"lists": _("Unknown list.")})
    limit = settings.IMPORT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    _quota_check(workspace, upload.size)
    upload.seek(0)
    sample = upload.read(SAMPLE_BYTES)
    upload.seek(0)
    try:
        shape = csv_shape_of(sample, whole=upload.size <= len(sample))
    except CsvError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    job = Import(
        workspace=workspace,
        created_by=user,
        file_name=Path(upload.name or "upload.csv").name[:255],
        status=ImportStatus.DRAFT,
        total_bytes=upload.size,
        encoding=shape.encoding,
        delimiter=shape.delimiter,
        mapping=_mapping_for(workspace, shape.header),
    )
    job.file.save(f"{workspace.pk}.csv", upload, save=False)
    try:
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    job.lists.set(lists)
    return job


def import_discard(*, job: Import) -> None:
    """Delete an import that will never run, and its file at once."""
    if job.file:
        job.file.delete(save=False)
    job.delete()


def import_create(
    *,
    workspace: Workspace,
    user: User | None,
    upload: File,
    mapping: dict[str, str] | None = None,
    mode: str = ImportMode.ADD,
    lists: Iterable[MailingList] = (),
    subscription_status: str = "subscribed",
) -> Import:
    """Upload and start in one step (the API): a file refused for its settings is not kept."""
    job = import_upload(workspace=workspace, user=user, upload=upload)
    try:
        return import_start(
            job=job,
            mapping=mapping,
            mode=mode,
            lists=lists,
            subscription_status=subscription_status,
        )
    except BaseException:
        import_discard(job=job)
        raise


@transaction.atomic
def import_start(
    *,
    job: Import,
    mapping: dict[str, str] | None = None,
    mode: str = ImportMode.ADD,
    lists: Iterable[MailingList] = (),
    subscription_status: str = "subscribed",
    enqueue: bool = True,
) -> Import:
    """Confirm a draft import's settings and queue it for a worker.

    With `enqueue=False` the caller runs it itself (`import_run`), as the CLI does.
    """
    from postroom.audience.tasks import import_process

    if job.status != ImportStatus.DRAFT:
        raise ValidationError(_("This import has already been started."))
    shape = import_shape(job=job)
    job.mapping = mapping_validate(
        mapping if mapping is not None else job.mapping,
        shape.header,
        _attribute_names(job.workspace),
    )
    lists = list(lists)
    if any(m.workspace_id != job.workspace_id for m in lists):
        raise ValidationError({"lists": _("Unknown list.")})
    job.mode = mode
    job.subscription_status = subscription_status
    job.status = ImportStatus.QUEUED
    job.save()
    job.lists.set(lists)
    # Every column, the skipped too: the next file with these columns starts from here.
    ImportMapping.objects.update_or_create(
        workspace_id=job.workspace_id,
        header_key=header_key(shape.header),
        defaults={"mapping": {c: job.mapping.get(c, "") for c in shape.header}},
    )
    if enqueue:
        # The worker writes the refused rows' reasons in the language of whoever started it.
        language = translation.get_language()
        transaction.on_commit(lambda: import_process(job.pk, language))
    return job


STALE_AFTER = 30  # minutes without progress before a running import counts as dead
DRAFT_TTL = 24  # hours an uploaded, never started file is kept


def imports_reap_stale(*, now: Any = None) -> int:
    """Fail imports whose worker died (no progress for STALE_AFTER minutes); drop old drafts."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    stale = Import.objects.filter(
        status=ImportStatus.RUNNING, updated_at__lt=now - timedelta(minutes=STALE_AFTER)
    )
    failed = 0
    for job in stale:
        Import.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            error=_(
                "The import stopped: its worker went away. Rows imported so far are kept; run the file again to finish (nothing is imported twice)."
            ),
            finished_at=now,
        )
        if job.file:
            job.file.delete(save=False)
        failed += 1
    for job in Import.objects.filter(
        status=ImportStatus.DRAFT, created_at__lt=now - timedelta(hours=DRAFT_TTL)
    ):
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return failed
