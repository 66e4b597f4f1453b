"""Devices to push to, the creatives pushed, each workspace's provider settings and registration keys.

A device's address is a provider token (FCM, APNs, a OneSignal subscription id)
or a Web Push subscription (endpoint + p256dh + auth). It is unique per
workspace by its hash, so registering the same token again updates the row.
Provider secrets are encrypted at rest like relay passwords
(`postroom.delivery.crypto`), and written, never read, through the API.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel


class DeviceKind(models.TextChoices):
    WEBPUSH = "webpush", _("Web Push")
    FCM = "fcm", _("FCM (Android)")
    APNS = "apns", _("APNs (iOS)")
    ONESIGNAL = "onesignal", _("OneSignal")
    # An address at the workspace's webhook gateway (a phone number, a chat id): its token.
    WEBHOOK = "webhook", _("Webhook gateway (SMS, chat)")


class ProviderKind(models.TextChoices):
    WEBPUSH = "webpush", _("Web Push")
    FCM = "fcm", _("FCM (Android)")
    APNS = "apns", _("APNs (iOS)")
    ONESIGNAL = "onesignal", _("OneSignal")
    WEBHOOK = "webhook", _("Webhook")


class Urgency(models.TextChoices):
    VERY_LOW = "very-low", _("Very low")
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Device(TimeStampedModel):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    subscriber = models.ForeignKey(
        "audience.Subscriber", on_delete=models.CASCADE, related_name="push_devices"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DeviceKind.choices)
    # The provider token, the OneSignal subscription id, or the Web Push endpoint.
    token = models.TextField(_("token or endpoint"))
    token_hash = models.CharField(max_length=64, editable=False)
    p256dh = models.CharField(_("p256dh key"), max_length=128, blank=True)
    auth = models.CharField(_("auth secret"), max_length=64, blank=True)
    app_id = models.CharField(_("app"), max_length=200, blank=True)
    platform = models.CharField(_("platform"), max_length=40, blank=True)
    locale = models.CharField(_("locale"), max_length=35, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    is_valid = models.BooleanField(_("valid"), default=True)
    invalid_reason = models.CharField(_("why invalid"), max_length=255, blank=True)
    invalidated_at = models.DateTimeField(_("invalid since"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "token_hash"], name="push_device_unique_token"
            )
        ]
        indexes = [models.Index(fields=["workspace", "subscriber"], name="push_device_subscriber")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.token[:24]}"


class Creative(TimeStampedModel):
    """A notification; title, body and click URL are sandboxed templates like a message's."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("body"), max_length=2000)
    icon_url = models.URLField(_("icon"), max_length=1000, blank=True)
    image_url = models.URLField(_("image"), max_length=1000, blank=True)
    click_url = models.CharField(
        _("click URL or deep link"),
        max_length=1000,
        blank=True,
        help_text=_("https://… or an app's deep link (myapp://…)."),
    )
    data = models.JSONField(_("data payload"), default=dict, blank=True)
    ttl = models.PositiveIntegerField(
        _("time to live (seconds)"),
        default=86400,
        help_text=_("How long a provider keeps the notification for an offline device."),
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    collapse_key = models.CharField(
        _("collapse key"),
        max_length=64,
        blank=True,
        help_text=_("A newer notification with the same key replaces the older one."),
    )

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.name


class PushProvider(TimeStampedModel):
    """One provider's settings in a workspace; `secret_encrypted` holds the kind's one secret.

    The secret is the VAPID private key (Web Push), the service account JSON
    (FCM), the .p8 key (APNs), the REST API key (OneSignal) or the signing
    secret (webhook).
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=12, choices=ProviderKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    secret_encrypted = models.TextField(blank=True)
    vapid_public_key = models.CharField(_("VAPID public key"), max_length=100, blank=True)
    vapid_subject = models.CharField(
        _("VAPID contact"),
        max_length=254,
        blank=True,
        help_text=_("mailto: or https: address the push services may contact."),
    )
    fcm_project_id = models.CharField(_("FCM project id"), max_length=100, blank=True)
    apns_key_id = models.CharField(_("APNs key id"), max_length=20, blank=True)
    apns_team_id = models.CharField(_("APNs team id"), max_length=20, blank=True)
    apns_bundle_id = models.CharField(_("APNs bundle id"), max_length=200, blank=True)
    apns_sandbox = models.BooleanField(_("APNs sandbox"), default=False)
    onesignal_app_id = models.CharField(_("OneSignal app id"), max_length=64, blank=True)
    webhook_url = models.URLField(_("webhook URL"), max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind"], name="push_provider_unique_kind")
        ]
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.kind

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)


class RegistrationKey(TimeStampedModel):
    """A workspace key that may register devices and nothing else (apps and the web snippet hold it).

    Only its hash is stored; `prefix` names it in lists. It authenticates
    `/api/v1/push/devices/register/` only: other endpoints take user tokens.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ProviderMessage(models.Model):
    """A notification a provider took, by its id there: what the delivery-status intake polls."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE)
    kind = models.CharField(max_length=12, choices=ProviderKind.choices)
    delivery_id = models.BigIntegerField(null=True, blank=True)
    recipient = models.TextField()  # the token or subscription id it went to
    message_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    done = models.BooleanField(default=False)  # the provider's figures are final

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "kind", "done"], name="push_provider_message_due")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.message_id}"


class CampaignCreative(models.Model):
    """The creative a push campaign sends (campaigns sit below push: kept here, not on Campaign)."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="push_creative"
    )
    creative = models.ForeignKey(Creative, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.creative_id}"
