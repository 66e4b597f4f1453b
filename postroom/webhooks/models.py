"""Event webhooks: a workspace's endpoints, the messages owed to each, and every attempt.

A message is the durable record (like a Delivery): a job may be lost or run
twice, the message row says what is left to send and when.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel


class EventType(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    DEFERRED = "deferred", _("Deferred")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Complained")
    OPENED = "opened", _("Opened")
    CLICKED = "clicked", _("Clicked")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    CONVERTED = "converted", _("Converted")
    TX_STATUS = "tx.status", _("Transactional message status")
    CAMPAIGN_STARTED = "campaign.started", _("Campaign started")
    CAMPAIGN_FINISHED = "campaign.finished", _("Campaign finished")
    CAMPAIGN_PAUSED = "campaign.paused", _("Campaign paused")
    # Only ever sent by the "send test event" button, to the one endpoint.
    TEST = "test", _("Test event")


SUBSCRIBABLE = [(value, label) for value, label in EventType.choices if value != EventType.TEST]


class WebhookEndpoint(TimeStampedModel):
    """A URL of the workspace's own system that receives the events it subscribed to.

    The signing secret (`whsec_<base64>`, Standard Webhooks) is stored encrypted
    (`postroom.delivery.crypto`). `consecutive_failures` counts messages that
    failed every retry in a row; `failing_since` is the first failed attempt
    since the last success. Either can disable the endpoint (see `policy`).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("disabled because"), max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    # A sending job holds the endpoint until then (one job per endpoint at a time).
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.description or self.url


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DROPPED = "dropped", _("Dropped")  # its endpoint was disabled or deleted


class WebhookMessage(models.Model):
    """One event owed to one endpoint; `event_id` is the `webhook-id` every attempt carries."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    event_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=24, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_message_once")
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_message_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class WebhookAttempt(models.Model):
    """One request to an endpoint (append-only): what it answered, or why there was no answer."""

    message = models.ForeignKey(
        WebhookMessage, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.CharField(max_length=1000, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
