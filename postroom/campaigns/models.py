from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel


class Periodicity(models.TextChoices):
    ONCE = "once", _("Once")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PUSH = "push", _("Push")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    SCHEDULED = "scheduled", _("Scheduled")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")
    DISABLED = "disabled", _("Disabled")


class Campaign(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    # What it sends: an email message to addresses, or a push creative to devices.
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    # Email only: a push campaign sends its creative (kept by the push app) and has none.
    message = models.ForeignKey(
        "content.Message",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    lists = models.ManyToManyField("audience.MailingList", blank=True, related_name="+")
    segment = models.ForeignKey(
        "audience.Segment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exclude_lists = models.ManyToManyField("audience.MailingList", blank=True, related_name="+")
    exclude_segment = models.ForeignKey(
        "audience.Segment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"), null=True, blank=True)
    periodicity = models.CharField(
        _("periodicity"), max_length=8, choices=Periodicity.choices, default=Periodicity.ONCE
    )
    weekdays = models.JSONField(_("weekdays"), default=list, blank=True, help_text="0 = Monday")
    month_day = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    send_time = models.TimeField(_("time of day"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # Periodic campaigns send at their slots only; this asks for one more send
    # at the start (or at approval when the start has passed).
    send_at_start = models.BooleanField(
        _("also send once at the start"),
        default=False,
        help_text=_(
            "A periodic campaign sends at its times only. With this, it also sends once when it "
            "starts (at once if the start has passed); that send stands for the same day's time."
        ),
    )
    window_start = models.TimeField(_("send window from"), null=True, blank=True)
    window_end = models.TimeField(_("send window to"), null=True, blank=True)
    priority = models.SmallIntegerField(_("priority"), default=0)
    track_opens = models.BooleanField(_("track opens"), default=True)
    track_clicks = models.BooleanField(_("track clicks"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    approved_fingerprint = models.CharField(max_length=64, blank=True)
    disabled_reason = models.TextField(blank=True)
    # Why sending stopped by itself (too many errors); cleared on resume.
    paused_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=["status", "next_run_at"], name="campaign_due")]
        permissions = [
            ("view_all_campaigns", "Can see every workspace's campaigns"),
            ("disable_campaign", "Can disable and enable campaigns"),
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    DUE = "due", _("Due")
    SENDING = "sending", _("Sending")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class CampaignRun(TimeStampedModel):
    """One occurrence of a campaign, handed to the delivery engine when due."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="runs")
    scheduled_for = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DUE)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Deliveries created at launch.
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-scheduled_for",)
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "scheduled_for"], name="run_unique_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.scheduled_for:%Y-%m-%d %H:%M}"


class ApprovalAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RESET = "reset", _("Changed after approval")
    DISABLED = "disabled", _("Disabled by the platform")
    ENABLED = "enabled", _("Enabled by the platform")
    AUTOPAUSED = "autopaused", _("Paused: too many errors")
    SENT_NOW = "sent_now", _("Sent now")
    RETRIED = "retried", _("Failed recipients retried")


class CampaignEvent(models.Model):
    """The decision history of a campaign (append-only)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=ApprovalAction.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.action} on {self.campaign_id}"
