from django.conf import settings
from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from postroom.accounts.models import Workspace
from postroom.audience.imports.engine import import_run
from postroom.audience.models import MailingList, Segment
from postroom.audience.selectors import subscriber_list
from postroom.audience.services.bulk import subscribers_bulk


@db_task(retries=5, retry_delay=60)
def optin_confirmation_send(subscription_id: int, base_url: str) -> None:
    """The double opt-in mail, out of the request (a mail server's delay is no one's business)."""
    from postroom.audience.services.public import optin_confirmation_mail

    optin_confirmation_mail(subscription_id=subscription_id, base_url=base_url)


@db_task()
def import_process(import_id: int, language: str | None = None) -> None:
    """Run the import; its report (reasons, errors) is written in `language` (the starter's)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        import_run(import_id=import_id)


@db_task()
def subscribers_bulk_process(
    workspace_id: int, filters: dict, action: str, list_id: int | None
) -> None:
    """A bulk action over a whole filter result, too large for a web request."""
    workspace = Workspace.objects.get(pk=workspace_id)
    segment = Segment.objects.filter(workspace=workspace, pk=filters.get("segment") or 0).first()
    if filters.get("segment") and segment is None:
        return  # the segment is gone: never widen the action to everybody
    if (
        filters.get("list")
        and not MailingList.objects.filter(workspace=workspace, pk=filters["list"]).exists()
    ):
        return
    subscribers = subscriber_list(
        workspace=workspace,
        search=filters.get("search", ""),
        status=filters.get("status", ""),
        list_id=filters.get("list"),
        segment=segment,
    )
    mailing_list = MailingList.objects.filter(workspace=workspace, pk=list_id or 0).first()
    if list_id and mailing_list is None:
        return
    subscribers_bulk(subscribers=subscribers, action=action, mailing_list=mailing_list)


@db_periodic_task(crontab(minute="*/5"))
def imports_reap() -> None:
    from postroom.audience.services.imports import imports_reap_stale

    imports_reap_stale()


@db_task()
def attribute_indexes_build() -> None:
    """Build and drop attribute indexes after a custom field changed (see attribute_indexes)."""
    from postroom.audience.attribute_indexes import attribute_indexes_sync

    if attribute_indexes_sync() is None:  # another sync is running: after it, again
        attribute_indexes_build.schedule(delay=30)


@db_periodic_task(crontab(minute="17"))
def attribute_indexes_reconcile() -> None:
    """Hourly: retry failed builds, drop the indexes of deleted workspaces (skipped if busy)."""
    from postroom.audience.attribute_indexes import attribute_indexes_sync

    attribute_indexes_sync()
