import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes / no")
    CHOICE = "choice", _("Choice")


class CustomField(TimeStampedModel):
    """A subscriber attribute the workspace defines; values live in `Subscriber.attributes`."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.SlugField(_("name"), max_length=64, help_text=_("Key in templates and CSV"))
    label = models.CharField(_("label"), max_length=120)
    type = models.CharField(_("type"), max_length=10, choices=FieldType.choices)
    required = models.BooleanField(_("required"), default=False)
    default = models.JSONField(_("default"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    indexed = models.BooleanField(
        _("indexed"),
        default=False,
        help_text=_(
            "Segments that compare this field stay fast on large audiences; "
            "imports write a little more. Not for yes / no fields."
        ),
    )

    class Meta:
        ordering = ("position", "name")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="customfield_unique_name")
        ]

    def __str__(self) -> str:
        return self.label


class SubscriberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKLISTED = "blocklisted", _("Blocklisted")


class Subscriber(TimeStampedModel):
    # Indexed by the (workspace, email) unique constraint; a second index only slows imports.
    # No foreign key constraint in the database: its deferred check ran once per
    # imported row at commit, a quarter of PostgreSQL's time in an import. Writers
    # take the workspace from rows they have read, and Django deletes a
    # workspace's subscribers with it.
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    # NULL, not "", when there is none: the (workspace, email) unique constraint
    # then holds among real addresses only (NULLs are distinct in both databases)
    # and stays the one the import's ON CONFLICT (workspace_id, email) infers; and
    # no comparison with a suppression entry (whose empty email means "a domain")
    # can match a contact without an address.
    email = models.EmailField(_("email"), max_length=254, null=True, blank=True)
    # The customer's own id for a contact (push-only contacts have nothing else).
    external_id = models.CharField(
        _("external id"),
        max_length=255,
        null=True,
        blank=True,
        help_text=_("Your app's id for this contact; unique in the workspace"),
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.ACTIVE,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="subscriber_unique_email"),
            # Partial: most subscribers have no external id, and the index holds only those who do.
            models.UniqueConstraint(
                fields=["workspace", "external_id"],
                condition=Q(external_id__isnull=False),
                name="subscriber_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(external_id__isnull=False),
                name="subscriber_email_or_external_id",
            ),
        ]
        indexes = [
            # Newest first is a backward scan. Ascending, new ids go to the
            # rightmost page (cheap, full pages); descending, each insert went to
            # the leftmost and split it in halves, so imports paid more for an
            # index twice the size.
            models.Index(fields=["workspace", "id"], name="subscriber_ws_recent"),
            # Only the rare statuses are worth an index; "active" is nearly everybody.
            models.Index(
                fields=["workspace"],
                condition=~Q(status="active"),
                name="subscriber_ws_not_active",
            ),
            models.Index(fields=["workspace", "created_at"], name="subscriber_ws_created"),
        ]

    def __str__(self) -> str:
        return self.email or self.external_id or ""


class OptIn(models.TextChoices):
    SINGLE = "single", _("Single opt-in")
    DOUBLE = "double", _("Double opt-in")


class MailingList(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    opt_in = models.CharField(
        _("opt-in"), max_length=8, choices=OptIn.choices, default=OptIn.SINGLE
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Has a public subscription page")
    )
    public_archive = models.BooleanField(
        _("public archive"),
        default=False,
        help_text=_("Campaigns sent to this list can be read on a public page"),
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
    SUBSCRIBED = "subscribed", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class SubscriptionSource(models.TextChoices):
    ADMIN = "admin", _("Admin")
    IMPORT = "import", _("Import")
    FORM = "form", _("Form")
    API = "api", _("API")


class Subscription(TimeStampedModel):
    """A subscriber on a list. Unsubscribing keeps the row; history is in SubscriptionEvent."""

    # Denormalized from the subscriber for scoping: no index (rows are reached by
    # subscriber or by list).
    #
    # No foreign key constraints in the database: imports write subscriptions by
    # the million and a deferred check per row and per key was a third of the
    # import's time. Writers take the subscriber and the list from rows they have
    # just read (the import's set-based SQL in the same statement, scoped to the
    # workspace), and Django deletes a subscriber's or a list's subscriptions with
    # it. The unique constraint below stays.
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        db_index=False,
        db_constraint=False,
    )
    mailing_list = models.ForeignKey(
        MailingList,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        db_index=False,
        db_constraint=False,
    )
    status = models.CharField(_("status"), max_length=12, choices=SubscriptionStatus.choices)
    source = models.CharField(_("source"), max_length=8, choices=SubscriptionSource.choices)
    subscribed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "mailing_list"], name="subscription_unique_per_list"
            )
        ]
        indexes = [
            # "Is X on the list with this status" (every segment's list condition)
            # is an index-only probe once the table is vacuumed. The subscriber
            # before the status: a probe then decides on two integers, where
            # (list, status, subscriber) compared the status text with the
            # collation at every step of the descent.
            models.Index(
                fields=["mailing_list", "subscriber", "status"], name="subscription_list_members"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} on {self.mailing_list_id}: {self.status}"


class SubscriptionEvent(models.Model):
    """Append-only history of a subscription's status changes."""

    # An append-only log written by the million during imports: no constraint check
    # per row (Django still deletes the events of a deleted subscription).
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="events", db_constraint=False
    )
    status = models.CharField(max_length=12, choices=SubscriptionStatus.choices)
    source = models.CharField(max_length=8, choices=SubscriptionSource.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.status} ({self.source})"


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", _("Hard bounce")
    SOFT_BOUNCES = "soft_bounces", _("Repeated soft bounces")
    COMPLAINT = "complaint", _("Complaint")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from all")
    MANUAL = "manual", _("Manual")


class Suppression(TimeStampedModel):
    """An address or a whole domain that nothing in the workspace may send to."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    email = models.CharField(_("email"), max_length=254, blank=True)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=SuppressionReason.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(email="") & ~Q(domain="")) | (~Q(email="") & Q(domain="")),
                name="suppression_email_xor_domain",
            ),
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=~Q(email=""),
                name="suppression_unique_email",
            ),
            models.UniqueConstraint(
                fields=["workspace", "domain"],
                condition=~Q(domain=""),
                name="suppression_unique_domain",
            ),
        ]

    def __str__(self) -> str:
        return self.email or f"@{self.domain}"


class Segment(TimeStampedModel):
    """A saved filter chain; `definition` is compiled to one query by `segments.segment_q`."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    definition = models.JSONField(default=dict)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class ImportMode(models.TextChoices):
    ADD = "add", _("Add only")
    UPDATE = "update", _("Add and update")


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


def _private_storage() -> FileSystemStorage:
    # Outside MEDIA_ROOT: uploaded address lists are never served over HTTP.
    return FileSystemStorage(location=settings.PRIVATE_FILES_ROOT)


def _import_path(instance: "Import", filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}.csv"


class Import(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    file = models.FileField(upload_to=_import_path, storage=_private_storage, blank=True)
    file_name = models.CharField(max_length=255)
    encoding = models.CharField(max_length=32, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    mapping = models.JSONField(default=dict, help_text="CSV column -> subscriber field")
    mode = models.CharField(max_length=8, choices=ImportMode.choices, default=ImportMode.ADD)
    lists = models.ManyToManyField(MailingList, blank=True)
    subscription_status = models.CharField(
        max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.SUBSCRIBED
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_bytes = models.PositiveBigIntegerField(default=0)
    processed_bytes = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress(self) -> float:
        """Share of the file read, 0..1."""
        if self.status == ImportStatus.FINISHED:
            return 1.0
        return min(1.0, self.processed_bytes / self.total_bytes) if self.total_bytes else 0.0


class ImportMapping(TimeStampedModel):
    """The column mapping a workspace last used for a set of CSV columns, offered again."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    header_key = models.CharField(max_length=64, help_text="sha256 of the sorted column names")
    mapping = models.JSONField(default=dict, help_text="CSV column -> subscriber field")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "header_key"], name="importmapping_unique_header"
            )
        ]


class ImportIssue(models.Model):
    """A row of an import that was refused, with its line number and reason."""

    import_job = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="issues")
    line = models.PositiveIntegerField()
    email = models.CharField(max_length=320, blank=True)
    reason = models.CharField(max_length=255)

    class Meta:
        ordering = ("line",)

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"
