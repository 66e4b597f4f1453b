"""The push API's shapes: devices, registration, creatives, provider settings (secrets write-only), keys."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from postroom.audience.models import Subscriber
from postroom.core.serializers import WorkspaceRelatedField
from postroom.push.models import (
    Creative,
    Device,
    DeviceKind,
    PushProvider,
    RegistrationKey,
)
from postroom.push.services.devices import device_address_problems

TOKEN_MAX = 2000


class DeviceSerializer(serializers.ModelSerializer):
    subscriber = WorkspaceRelatedField(queryset=Subscriber.objects.all())

    class Meta:
        model = Device
        fields = [
            "id",
            "subscriber",
            "kind",
            "token",
            "p256dh",
            "auth",
            "app_id",
            "platform",
            "locale",
            "time_zone",
            "last_seen_at",
            "is_valid",
            "invalid_reason",
            "invalidated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "last_seen_at",
            "is_valid",
            "invalid_reason",
            "invalidated_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"auth": {"write_only": True}, "token": {"max_length": TOKEN_MAX}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance
        merged = {
            name: attrs.get(name, getattr(current, name, ""))
            for name in ("kind", "token", "p256dh", "auth", "time_zone")
        }
        problems = device_address_problems(**merged)
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class WebPushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=128)
    auth = serializers.CharField(max_length=64)


class DeviceRegisterSerializer(serializers.Serializer):
    """A registration from an app or the web snippet: what device, where to reach it, and who.

    Web Push takes the browser's `PushSubscription.toJSON()` as it is:
    `endpoint` and `keys`. `email` or `external_id` name the contact, and only
    with an API token (the customer's server); a registration key, which is
    public, registers the device under a push-only contact of its own.
    """

    email = serializers.EmailField(max_length=254, required=False, default="")
    external_id = serializers.CharField(max_length=255, required=False, default="")
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    token = serializers.CharField(max_length=TOKEN_MAX, required=False)
    endpoint = serializers.CharField(max_length=TOKEN_MAX, required=False)
    keys = WebPushKeysSerializer(required=False)
    app_id = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    platform = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    locale = serializers.CharField(max_length=35, required=False, default="", allow_blank=True)
    time_zone = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token = attrs.pop("endpoint", None) or attrs.get("token")
        if not token:
            raise serializers.ValidationError(
                {"token": [_("A token (or a Web Push endpoint) is required.")]}
            )
        keys = attrs.pop("keys", None) or {}
        attrs.update(token=token, p256dh=keys.get("p256dh", ""), auth=keys.get("auth", ""))
        problems = device_address_problems(
            kind=attrs["kind"],
            token=token,
            p256dh=attrs["p256dh"],
            auth=attrs["auth"],
            time_zone=attrs["time_zone"],
        )
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class RegisteredSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField()


class CreativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Creative
        fields = [
            "id",
            "name",
            "title",
            "body",
            "icon_url",
            "image_url",
            "click_url",
            "data",
            "ttl",
            "urgency",
            "collapse_key",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"ttl": {"max_value": 28 * 24 * 3600}}

    def validate_data(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("The data payload must be a JSON object."))
        return value


class ProviderSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(
        write_only=True,
        required=False,
        max_length=20000,
        help_text=_(
            "VAPID private key (generated when empty), service account JSON, .p8 key, "
            "REST API key or signing secret (generated when empty). Never shown again."
        ),
    )
    has_secret = serializers.BooleanField(read_only=True)
    generated_secret = serializers.SerializerMethodField(
        help_text=_("A webhook's generated signing secret, in the answer that created it only.")
    )

    class Meta:
        model = PushProvider
        fields = [
            "id",
            "kind",
            "is_active",
            "secret",
            "has_secret",
            "generated_secret",
            "vapid_public_key",
            "vapid_subject",
            "fcm_project_id",
            "apns_key_id",
            "apns_team_id",
            "apns_bundle_id",
            "apns_sandbox",
            "onesignal_app_id",
            "webhook_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["vapid_public_key", "created_at", "updated_at"]

    def get_generated_secret(self, provider: PushProvider) -> str | None:
        return getattr(provider, "generated_secret", None)

    def validate_kind(self, value: str) -> str:
        if self.instance is not None and value != self.instance.kind:
            raise serializers.ValidationError(_("The kind of a provider cannot change."))
        return value


class RegistrationKeySerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField(
        help_text=_("The key itself, in the answer that created it only.")
    )

    class Meta:
        model = RegistrationKey
        fields = ["id", "name", "prefix", "is_active", "last_used_at", "created_at", "key"]
        read_only_fields = ["prefix", "is_active", "last_used_at", "created_at"]

    def get_key(self, key: RegistrationKey) -> str | None:
        return getattr(key, "raw", None)
