"""The outbox: relays, one Delivery per run and recipient, and every attempt to send it."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel

# A relay's cost per 1,000 messages: up to 999,999.9999 (four places, so that
# fractions of a cent per message are kept exactly).
COST_DIGITS = 10
COST_PLACES = 4


class TlsMode(models.TextChoices):
    NONE = "none", _("None")
    STARTTLS = "starttls", _("STARTTLS")
    IMPLICIT = "implicit", _("Implicit TLS (SMTPS)")


class MailboxProtocol(models.TextChoices):
    NONE = "none", _("No bounce mailbox")
    IMAP = "imap", _("IMAP")
    POP3 = "pop3", _("POP3")


class SmtpRelay(TimeStampedModel):
    """A workspace's mail server. Secrets are stored encrypted (see `postroom.delivery.crypto`)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    host = models.CharField(_("host"), max_length=253)
    port = models.PositiveIntegerField(_("port"), default=587)
    tls = models.CharField(
        _("TLS"), max_length=8, choices=TlsMode.choices, default=TlsMode.STARTTLS
    )
    username = models.CharField(_("username"), max_length=254, blank=True)
    password_encrypted = models.TextField(blank=True)
    max_connections = models.PositiveSmallIntegerField(_("max connections"), default=2)
    rate_per_second = models.PositiveIntegerField(_("per second"), null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(_("per minute"), null=True, blank=True)
    rate_per_hour = models.PositiveIntegerField(_("per hour"), null=True, blank=True)
    # What 1,000 messages through this relay cost, in the workspace's CRM currency:
    # the CRM derives the spend of email advertising campaigns from it (postroom/crm/services/relay_spend.py).
    cost_per_1000 = models.DecimalField(
        _("cost per 1,000 messages"),
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "In the workspace's CRM currency. The spend of email advertising campaigns "
            "linked to a campaign sent through this relay is derived from it. Empty: no cost."
        ),
    )
    dkim_domain = models.CharField(_("DKIM domain"), max_length=253, blank=True)
    dkim_selector = models.CharField(_("DKIM selector"), max_length=63, blank=True)
    dkim_key_encrypted = models.TextField(blank=True)
    is_default = models.BooleanField(_("use for campaigns"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The mailbox that bounces (to the Return-Path) and mailto unsubscribes arrive in.
    mailbox_protocol = models.CharField(
        _("bounce mailbox"),
        max_length=4,
        choices=MailboxProtocol.choices,
        default=MailboxProtocol.NONE,
    )
    mailbox_host = models.CharField(_("mailbox host"), max_length=253, blank=True)
    mailbox_port = models.PositiveIntegerField(
        _("mailbox port"),
        null=True,
        blank=True,
        help_text=_("Empty: the protocol's usual port (993 or 995 with TLS, 143 or 110 without)."),
    )
    mailbox_tls = models.CharField(
        _("mailbox TLS"), max_length=8, choices=TlsMode.choices, default=TlsMode.IMPLICIT
    )
    mailbox_username = models.CharField(_("mailbox username"), max_length=254, blank=True)
    mailbox_password_encrypted = models.TextField(blank=True)
    mailbox_folder = models.CharField(_("IMAP folder"), max_length=120, default="INBOX", blank=True)
    mailbox_polled_at = models.DateTimeField(_("mailbox last polled"), null=True, blank=True)
    mailbox_error = models.CharField(_("mailbox error"), max_length=500, blank=True)

    class Meta:
        ordering = ("-is_default", "name")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_per_1000__isnull=True) | Q(cost_per_1000__gte=0),
                name="delivery_relay_cost_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEFERRED = "deferred", _("Deferred")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")
    # An experiment's recipient whose variant is not chosen yet (the rest after an
    # A/B test, a later bandit wave): no worker claims it until a variant is set.
    WAITING = "waiting", _("Waiting for the experiment")
    # In the experiment's control group: receives nothing, counted for the lift.
    HELD = "held", _("Held out (control group)")


# Waiting for a worker; everything else is final (or in a worker's hands).
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.DEFERRED)
# Not final yet: the run is not finished while any is left.
OPEN = (
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENDING,
    DeliveryStatus.DEFERRED,
    DeliveryStatus.WAITING,
)
# What cancelling a run cancels: everything not in a worker's hands.
CANCELLABLE = (*PENDING, DeliveryStatus.WAITING)


class Delivery(models.Model):
    """One message to one recipient in one run: the source of truth of the sending pipeline.

    Created in bulk at launch, claimed by workers with a lease, final once sent,
    failed, skipped or cancelled. Its address is a snapshot, so the record of
    whom a run reached survives the subscriber's deletion.
    """

    # No index of its own: the claim index and the unique constraint both start with run.
    # None: a delivery of the priority lane (a transactional message), which has no run.
    run = models.ForeignKey(
        "campaigns.CampaignRun",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    # Set on lane deliveries only (a run names its workspace through its campaign): the
    # lane is claimed per workspace, on the small partial index `delivery_lane_claim`.
    workspace = models.ForeignKey(
        "accounts.Workspace",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    # Integrity is kept by the set-based launch; no per-row FK check on a million inserts.
    subscriber = models.ForeignKey(
        "audience.Subscriber",
        null=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )
    email = models.CharField(max_length=254)
    status = models.CharField(
        max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    # When it may be tried next: the send window at launch, the backoff after a deferral.
    next_attempt_at = models.DateTimeField()
    lease_owner = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Taken back from a worker that died: it may have been sent once already.
    reclaimed = models.PositiveSmallIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_code = models.SmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=500, blank=True)
    # The experiment's variant (its number, 1-8) this recipient gets; set at launch or
    # when the recipient's wave is released, never changed after. None: no experiment.
    variant = models.PositiveSmallIntegerField(null=True, blank=True)
    # The recipient's place in the experiment's draw, a seeded hash of campaign and
    # subscriber in [0, 1,000,000): holdout, test group and waves are ranges of it.
    bucket = models.PositiveIntegerField(null=True, blank=True)
    # A push delivery's device (`postroom.push.Device`, a layer above: no foreign key);
    # one delivery per device, so a contact with three devices has three. None: email.
    device_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            # Email: one per run and subscriber (the launch's ON CONFLICT names this condition).
            models.UniqueConstraint(
                fields=["run", "subscriber"],
                condition=Q(device_id__isnull=True),
                name="delivery_unique_recipient",
            ),
            # Push: one per run and device.
            models.UniqueConstraint(
                fields=["run", "device_id"],
                condition=Q(device_id__isnull=False),
                name="delivery_unique_device",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "status", "next_attempt_at"], name="delivery_claim"),
            # The priority lane's waiting deliveries only: a few rows, whatever the outbox holds.
            models.Index(
                fields=["workspace", "next_attempt_at"],
                condition=Q(run__isnull=True, status__in=["queued", "deferred"]),
                name="delivery_lane_claim",
            ),
            # A workspace's deletion finds its lane deliveries; campaign rows (NULL) stay out of it.
            models.Index(
                fields=["workspace"],
                condition=Q(workspace__isnull=False),
                name="delivery_lane_workspace",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status="sending"),
                name="delivery_leased",
            ),
            # An experiment's next wave: the waiting rows of a run by their draw.
            models.Index(
                fields=["run", "bucket"], condition=Q(status="waiting"), name="delivery_waiting"
            ),
            # The sending rate on the progress panel; empty (free) at launch.
            models.Index(
                fields=["run", "sent_at"], condition=Q(sent_at__isnull=False), name="delivery_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("Sent")
    DEFERRED = "deferred", _("Deferred")
    FAILED = "failed", _("Failed")


class DeliveryAttempt(models.Model):
    """One try to hand a delivery to a relay, with the server's answer (append-only)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=8, choices=AttemptOutcome.choices)
    smtp_code = models.SmallIntegerField(null=True, blank=True)
    enhanced_code = models.CharField(max_length=16, blank=True)
    response = models.CharField(max_length=500, blank=True)
    phase = models.CharField(max_length=8, blank=True)
    relay = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.outcome} {self.smtp_code}"


class SandboxMessage(models.Model):
    """A message the sandbox sink kept instead of delivering (no relay configured)."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender = models.CharField(max_length=254)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    path = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class BounceKind(models.TextChoices):
    HARD = "hard", _("Hard bounce")
    SOFT = "soft", _("Soft bounce")
    COMPLAINT = "complaint", _("Complaint")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribe request")


class BounceEvent(models.Model):
    """A bounce, complaint or mailto unsubscribe taken in, once per event id (append-only).

    `source` is `mailbox` or `webhook:<esp>`; `event_id` makes every intake
    idempotent: a DSN fetched twice or a webhook replayed is stored once.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(
        Delivery,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )
    email = models.CharField(max_length=254)
    kind = models.CharField(max_length=11, choices=BounceKind.choices)
    status = models.CharField(max_length=16, blank=True)
    diagnostic = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=40)
    event_id = models.CharField(max_length=255, unique=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = [
            # Soft bounces of one address, counted at each new one.
            models.Index(fields=["workspace", "email", "kind"], name="bounce_address"),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.kind} {self.status}"
