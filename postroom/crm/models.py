"""The CRM: services, advertising campaigns with spend, leads, customers, contracts, daily rollups.

Every row belongs to a workspace and is fetched through the scoping helper.
Amounts are Decimals in the workspace's CRM currency (see `money.py`).
The analytics read `DailyRollup` rows only; the services keep them in step
with every lead, contract and spend write, in the same transaction.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel
from postroom.crm.money import Currency, money_field


class CrmSettings(TimeStampedModel):
    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="crm_settings"
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.currency}"


class Service(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    price = money_field(_("price"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="crm_service_unique_name"),
            models.CheckConstraint(condition=Q(price__gte=0), name="crm_service_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PUSH = "push", _("Push")
    SEARCH = "search", _("Search")
    SOCIAL = "social", _("Social")
    DISPLAY = "display", _("Display")
    OFFLINE = "offline", _("Offline")
    OTHER = "other", _("Other")


def _lead_form_consent() -> str:
    return str(_("I agree that my details are stored and used to contact me about this offer."))


class AdCampaign(TimeStampedModel):
    """An advertising campaign: where leads come from and what was spent on it."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="ad_campaigns", verbose_name=_("service")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # An email campaign of Postroom: its tracked clicks become this campaign's leads.
    email_campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Postroom email campaign"),
    )
    budget = money_field(_("budget"), default=0)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    # The public lead form is found by this unguessable id, never by the sequential one.
    form_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form_enabled = models.BooleanField(_("public lead form"), default=True)
    consent_text = models.TextField(_("consent text"), default=_lead_form_consent)
    spend_total = money_field(_("spend"), default=0)

    class Meta:
        ordering = ("-starts_on", "-id")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="crm_adcampaign_unique"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="crm_adcampaign_budget"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="crm_adcampaign_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SpendEntry(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    ad_campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="spend")
    date = models.DateField(_("date"))
    amount = money_field(_("amount"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Derived from the relay (postroom/crm/relay_spend.py): the messages sent that day
    # and the exact sum of messages x cost per 1,000 in 1/10,000ths of the currency;
    # `amount` is that sum / 1,000 to the cent. Null on entries typed in or imported.
    relay_messages = models.BigIntegerField(null=True, blank=True, editable=False)
    relay_cost = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-date", "-id")
        indexes = [models.Index(fields=["ad_campaign", "date"], name="crm_spend_campaign_date")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="crm_spend_amount_positive"),
            # One derived entry per campaign and day: what the relay upsert adds to.
            models.UniqueConstraint(
                fields=["ad_campaign", "date"],
                condition=Q(relay_messages__isnull=False),
                name="crm_spend_relay_day",
            ),
        ]

    @property
    def from_relay(self) -> bool:
        return self.relay_messages is not None

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    LOST = "lost", _("Lost")
    CONVERTED = "converted", _("Converted to a customer")


class Customer(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    subscriber = models.ForeignKey(
        "audience.Subscriber", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The sum of the contracts' amounts, kept by the contract services.
    contracts_total = money_field(_("contracts total"), default=0)

    class Meta:
        ordering = ("name", "id")
        indexes = [models.Index(fields=["workspace", "name"], name="crm_customer_name")]

    def __str__(self) -> str:
        return self.name


class Lead(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Digits only (with the leading + dropped): what duplicate detection compares.
    phone_key = models.CharField(max_length=40, blank=True, editable=False)
    company = models.CharField(_("company"), max_length=200, blank=True)
    ad_campaign = models.ForeignKey(
        AdCampaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name=_("advertising campaign"),
    )
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    notes = models.TextField(_("notes"), blank=True)
    # The day the lead counts for in the rollups (its creation day, in UTC).
    day = models.DateField(editable=False)
    # Attribution from a tracked email click (the pr_v visitor token).
    email_campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subscriber = models.ForeignKey(
        "audience.Subscriber", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery_id = models.BigIntegerField(null=True, blank=True, editable=False)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    # The day of its first contract: the day it counts as a customer in the rollups.
    converted_on = models.DateField(null=True, blank=True, editable=False)
    # The older lead with the same email or phone; cleared by a merge.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    consent_text = models.TextField(blank=True, editable=False)
    consent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["workspace", "-id"], name="crm_lead_recent"),
            models.Index(fields=["workspace", "status", "-id"], name="crm_lead_status"),
            models.Index(fields=["workspace", "ad_campaign", "-id"], name="crm_lead_campaign"),
            models.Index(fields=["workspace", "email"], name="crm_lead_email"),
            models.Index(fields=["workspace", "phone_key"], name="crm_lead_phone"),
            models.Index(
                fields=["workspace", "-id"],
                condition=Q(duplicate_of__isnull=False),
                name="crm_lead_duplicates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LeadEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    STATUS = "status", _("Status changed")
    NOTE = "note", _("Note")
    DUPLICATE = "duplicate", _("Flagged as a duplicate")
    MERGED = "merged", _("Merged")
    CONTRACT = "contract", _("Contract signed")


class LeadEvent(models.Model):
    """One entry of a lead's timeline (append-only)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=LeadEventKind.choices)
    text = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class Contract(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contracts")
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    # The advertising campaign the revenue counts for (the lead's, when signed).
    ad_campaign = models.ForeignKey(
        AdCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts"
    )
    name = models.CharField(_("name"), max_length=200)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("service")
    )
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    amount = money_field(_("amount"))
    # Relative to settings.PRIVATE_FILES_ROOT; never under MEDIA_ROOT, never a URL.
    document = models.CharField(max_length=300, blank=True, editable=False)
    document_name = models.CharField(max_length=200, blank=True, editable=False)
    document_size = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ("-signed_on", "-id")
        indexes = [models.Index(fields=["workspace", "-signed_on"], name="crm_contract_signed")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="crm_contract_amount"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="crm_contract_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DailyRollup(models.Model):
    """Per advertising campaign and day: what the analytics add up (kept by the services).

    `channel` is copied from the campaign so per-channel sums need no join.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    ad_campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    day = models.DateField()
    spend = money_field("spend", default=0)
    leads = models.IntegerField(default=0)
    customers = models.IntegerField(default=0)
    revenue = money_field("revenue", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ad_campaign", "day"], name="crm_rollup_unique")
        ]
        indexes = [
            # Covering (PostgreSQL): the analytics sum a period with an index-only scan.
            models.Index(
                fields=["workspace", "day"],
                include=["ad_campaign", "channel", "spend", "leads", "customers", "revenue"],
                name="crm_rollup_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ad_campaign_id} {self.day}"
