from django.db import models
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel


class Layout(TimeStampedModel):
    """A frame for messages; its HTML holds `{{ content }}` where the message goes."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    html = models.TextField(_("HTML"))

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class BlockKind(models.TextChoices):
    HEADER = "header", _("Header")
    FOOTER = "footer", _("Footer")
    SIGNATURE = "signature", _("Signature")
    PRODUCT = "product", _("Product card")
    OTHER = "other", _("Other")


class ContentBlock(TimeStampedModel):
    """A reusable piece of a message, included by its key: `{% include "footer" %}`."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    key = models.SlugField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=10, choices=BlockKind.choices, default=BlockKind.OTHER
    )
    html = models.TextField(_("HTML"))

    class Meta:
        ordering = ("kind", "name")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="block_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class BodyFormat(models.TextChoices):
    HTML = "html", _("HTML")
    MARKDOWN = "markdown", _("Markdown")


class MessageKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    # Sent one at a time through the transactional API (receipts, password resets).
    TRANSACTIONAL = "transactional", _("Transactional")


class Message(TimeStampedModel):
    """What is sent: subject, bodies and sender, personalized per recipient with Jinja."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(
        _("kind"), max_length=13, choices=MessageKind.choices, default=MessageKind.CAMPAIGN
    )
    # Transactional templates: the variables every send must give (checked at send time).
    required_variables = models.JSONField(_("required variables"), default=list, blank=True)
    # Transactional templates: sent even to suppressed addresses (receipts, password resets).
    suppression_exempt = models.BooleanField(_("exempt from suppression"), default=False)
    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=255)
    preheader = models.CharField(_("preheader"), max_length=255, blank=True)
    from_name = models.CharField(_("from name"), max_length=120, blank=True)
    from_email = models.EmailField(_("from address"))
    reply_to = models.EmailField(_("reply-to"), blank=True)
    body_format = models.CharField(
        _("format"), max_length=10, choices=BodyFormat.choices, default=BodyFormat.HTML
    )
    body = models.TextField(_("body"))
    text_body = models.TextField(
        _("text body"), blank=True, help_text=_("Generated from the HTML when left empty.")
    )
    layout = models.ForeignKey(Layout, null=True, blank=True, on_delete=models.SET_NULL)
    # Bumped on every change: compiled templates are cached per (message, version).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ("-updated_at",)

    def __str__(self) -> str:
        return self.name


class LinkCheck(TimeStampedModel):
    """A link report of one message version."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="link_checks")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    results = models.JSONField(default=list)
    broken = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"links of {self.message_id} v{self.version}"
