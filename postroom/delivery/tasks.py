"""Jobs carry ids only; the Delivery rows say what is left, so a lost or doubled job loses nothing."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task
from huey.exceptions import TaskLockedException

from postroom.campaigns.models import CampaignRun, RunStatus
from postroom.delivery.bounces.mailbox import mailbox_poll
from postroom.delivery.models import MailboxProtocol, SmtpRelay
from postroom.delivery.sending.engine import run_send
from postroom.delivery.sending.lane import lane_follow_up, lane_next_due, lane_run, lanes_due
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.sending.maintenance import deliveries_maintain
from postroom.delivery.sending.testsend import test_send_run
from postroom.delivery.transports.relays import relay_for_workspace


def run_send_enqueue(run_id: int, workspace_id: int) -> None:
    """As many send jobs as the relay takes connections (and the worker has threads)."""
    relay = relay_for_workspace(workspace_id)
    for _ in range(max(1, min(relay.max_connections, settings.HUEY["consumer"]["workers"]))):
        run_send_job(run_id)


@db_task()
def run_launch_job(run_id: int) -> None:
    run_launch(run_id)
    run = CampaignRun.objects.select_related("campaign").filter(pk=run_id).first()
    if run is not None and run.status == RunStatus.SENDING:
        run_send_enqueue(run.pk, run.campaign.workspace_id)


@db_task()
def run_send_job(run_id: int) -> None:
    report = run_send(run_id)
    # Inline (immediate mode) a follow-up would recurse; the periodic tick picks the rest up.
    if report.more and not HUEY.immediate:
        run_send_job(run_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("deliveries-tick")
def deliveries_tick() -> None:
    for run_id, workspace_id, launch in deliveries_maintain():
        if launch:
            run_launch_job(run_id)
        else:
            run_send_enqueue(run_id, workspace_id)


@db_task()
def lane_send_job(workspace_id: int) -> None:
    """The workspace's priority lane (transactional messages); enqueued on commit at submission.

    A retry due within the minute is scheduled as a job of its own, so the lane's
    short retry schedule does not wait for the periodic tick.
    """
    report = lane_run(workspace_id)
    if HUEY.immediate:
        return
    delay = lane_follow_up(
        due=lane_next_due(workspace_id), now=timezone.now(), stopped=report.stopped
    )
    if delay is not None:
        lane_send_job.schedule((workspace_id,), delay=delay)


@db_periodic_task(crontab(minute="*"))
@lock_task("lanes-tick")
def lanes_tick() -> None:
    for workspace_id in lanes_due():
        lane_send_job(workspace_id)


@db_task()
def mailbox_poll_job(relay_id: int) -> None:
    relay = SmtpRelay.objects.filter(pk=relay_id).first()
    if relay is None or relay.mailbox_protocol == MailboxProtocol.NONE:
        return
    try:
        with HUEY.lock_task(f"mailbox-poll-{relay_id}"):
            mailbox_poll(relay)
    except TaskLockedException:
        pass  # another worker is reading this mailbox right now


@db_periodic_task(crontab(minute="*/5"))
@lock_task("mailboxes-tick")
def mailboxes_tick() -> None:
    """Every few minutes, each active relay's bounce mailbox, one job per mailbox."""
    relays = SmtpRelay.objects.filter(is_active=True).exclude(mailbox_protocol=MailboxProtocol.NONE)
    for relay_id in relays.values_list("pk", flat=True):
        mailbox_poll_job(relay_id)


@db_task(retries=3, retry_delay=30)
def message_test_send(
    message_id: int, to: list[str], subscriber_id: int | None, base_url: str
) -> None:
    """Send the rendered message to a few addresses, with "[Test]" in the subject.

    Through the workspace's relay like its campaigns (the sandbox when there is none);
    retried when the relay defers (`TestSendDeferred`).
    """
    test_send_run(message_id=message_id, to=to, subscriber_id=subscriber_id, base_url=base_url)
