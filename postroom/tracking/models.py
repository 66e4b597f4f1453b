"""What recipients did with a message: links, the append-only event log, per-delivery engagement."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Link(models.Model):
    """A URL of a campaign's message whose clicks are counted (registered when a run starts).

    The click counters are aggregates, kept up to date as click events arrive.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    url = models.TextField()
    url_hash = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    clicks_unique = models.PositiveIntegerField(default=0)
    clicks_machine = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "url_hash"], name="link_unique_url")
        ]

    def __str__(self) -> str:
        return self.url


class EventKind(models.TextChoices):
    OPEN = "open", _("Opened")
    CLICK = "click", _("Clicked")
    PAGE = "page", _("Visited a page")
    CONVERSION = "conversion", _("Converted")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed")
    BOUNCE_HARD = "bounce_hard", _("Hard bounce")
    BOUNCE_SOFT = "bounce_soft", _("Soft bounce")
    COMPLAINT = "complaint", _("Complaint")
    # A push notification shown on its device (service worker, app, provider receipt).
    RECEIVED = "received", _("Received")
    # A push the provider reported it could not deliver (its receipt).
    FAILED = "failed", _("Not delivered")


class Event(models.Model):
    """One thing that happened to a delivered message (append-only).

    `uid` makes every intake idempotent: a hit or a webhook replayed after a
    crash is recognised and changes nothing. Foreign keys carry no database
    constraint: events arrive in bulk and outlive nothing they point at.
    """

    uid = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    at = models.DateTimeField()
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    run = models.ForeignKey(
        "campaigns.CampaignRun", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    delivery = models.ForeignKey(
        "delivery.Delivery", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    subscriber = models.ForeignKey(
        "audience.Subscriber",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    link = models.ForeignKey(
        Link, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    # An automated fetch (privacy proxy, link scanner): left out of rates by default.
    machine = models.BooleanField(default=False)
    agent = models.CharField(max_length=12, blank=True)  # browser, mobile, proxy, scanner, bot
    ip_hash = models.CharField(max_length=16, blank=True)
    goal = models.CharField(max_length=100, blank=True)
    revenue = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["workspace", "at"], name="event_workspace_at"),
            models.Index(fields=["campaign", "kind", "at"], name="event_campaign"),
            models.Index(fields=["subscriber", "at"], name="event_subscriber"),
            models.Index(fields=["delivery", "kind"], name="event_delivery"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.delivery_id} {self.at:%Y-%m-%d %H:%M}"


class Engagement(models.Model):
    """Per delivery: the first and last time it was opened, clicked, converted.

    Unique counts come from here (an insert that finds the row already there
    is not a new unique open), and so do the behaviour conditions of segments.
    Times without `_any` count people only; `_any` ones count machines too.
    """

    delivery = models.OneToOneField(
        "delivery.Delivery",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    subscriber = models.ForeignKey(
        "audience.Subscriber",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    opened_at = models.DateTimeField(null=True)
    last_opened_at = models.DateTimeField(null=True)
    opened_any_at = models.DateTimeField(null=True)
    clicked_at = models.DateTimeField(null=True)
    last_clicked_at = models.DateTimeField(null=True)
    clicked_any_at = models.DateTimeField(null=True)
    converted_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["subscriber", "campaign"], name="engagement_subscriber"),
            models.Index(
                fields=["subscriber", "last_opened_at"],
                condition=Q(last_opened_at__isnull=False),
                name="engagement_recent_open",
            ),
        ]

    def __str__(self) -> str:
        return f"engagement {self.delivery_id}"


class LinkClick(models.Model):
    """A delivery's first human click on a link: what the per-link unique count counts."""

    delivery = models.ForeignKey(
        "delivery.Delivery", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "link"], name="linkclick_unique")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} -> {self.link_id}"
