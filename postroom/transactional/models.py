"""Transactional messages: one per recipient of an API request, each with its Delivery in the outbox.

The template is a content `Message` of kind "transactional"; every version a
message was sent with is kept (`TemplateVersion`). A message is rendered and
built (MIME, attachments, headers) when it is submitted, so the worker only
hands the stored bytes to the relay, and the record says exactly what was sent.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel


class TemplateVersion(models.Model):
    """What a transactional template said in one version (kept once something was sent with it)."""

    message = models.ForeignKey(
        "content.Message", on_delete=models.CASCADE, related_name="tx_versions"
    )
    version = models.PositiveIntegerField()
    subject = models.CharField(max_length=255)
    body_format = models.CharField(max_length=10)
    body = models.TextField()
    text_body = models.TextField(blank=True)
    from_name = models.CharField(max_length=120, blank=True)
    from_email = models.CharField(max_length=254)
    reply_to = models.CharField(max_length=254, blank=True)
    required_variables = models.JSONField(default=list)
    suppression_exempt = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(fields=["message", "version"], name="tx_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} v{self.version}"


class TxRequest(models.Model):
    """One accepted API request; its `Idempotency-Key` is unique per workspace for 24 hours.

    The unique constraint is what makes concurrent retries safe: the second
    insert waits for the first transaction and then fails, and the retry
    answers with the first request's messages.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    # Empty: no key given (no uniqueness asked for).
    idempotency_key = models.CharField(max_length=255, blank=True)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="tx_request_idempotency",
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="tx_request_created")]

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.idempotency_key or self.pk}"


class TxMessage(TimeStampedModel):
    """One transactional message to one recipient; its state is its Delivery's."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=40, unique=True)
    request = models.ForeignKey(TxRequest, on_delete=models.CASCADE, related_name="messages")
    template = models.ForeignKey(
        "content.Message", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    template_version = models.PositiveIntegerField()
    delivery = models.OneToOneField(
        "delivery.Delivery", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    to = models.CharField(max_length=254)
    subscriber = models.ForeignKey(
        "audience.Subscriber", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=255, blank=True)
    # The address was suppressed and the template exempt: sent all the same, and recorded.
    suppression_exempted = models.BooleanField(default=False)
    attachments = models.PositiveSmallIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    envelope_from = models.CharField(max_length=254)
    mime = models.BinaryField()

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=["workspace", "-id"], name="tx_message_log")]

    def __str__(self) -> str:
        return f"{self.public_id} to {self.to}"


class TxState(models.TextChoices):
    """A message's state as the API and the log show it (from its delivery's status)."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEFERRED = "deferred", _("Deferred")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused")
