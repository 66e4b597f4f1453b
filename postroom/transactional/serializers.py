import base64
import binascii

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from postroom.audience.emails import email_normalize
from postroom.delivery.models import DeliveryAttempt
from postroom.transactional.models import TxMessage, TxState
from postroom.transactional.services.mime import Attachment
from postroom.transactional.services.status import tx_state


class AttachmentSerializer(serializers.Serializer):
    filename = serializers.CharField(max_length=255)
    content_type = serializers.CharField(max_length=128, default="application/octet-stream")
    content = serializers.CharField(help_text="The file, base64-encoded")

    def validate_content(self, value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise serializers.ValidationError(_("Not valid base64.")) from exc


class TxSendSerializer(serializers.Serializer):
    template = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The transactional template's id"
    )
    to = serializers.ListField(
        child=serializers.EmailField(max_length=254), min_length=1, max_length=50
    )
    data = serializers.DictField(  # type: ignore[assignment]
        required=False, default=dict, help_text="The template's variables"
    )
    headers = serializers.DictField(
        child=serializers.CharField(max_length=998, trim_whitespace=False),
        required=False,
        default=dict,
        help_text="Extra headers, from the allow-list only",
    )
    attachments = AttachmentSerializer(many=True, required=False, default=list)
    create_recipient = serializers.BooleanField(
        default=False, help_text="Add recipients who are not subscribers yet to the audience"
    )

    def validate_to(self, value: list[str]) -> list[str]:
        """The audience's canonical spelling: a punycode domain is the same address as Unicode."""
        try:
            return list(dict.fromkeys(email_normalize(email) for email in value))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def attachments_list(self) -> list[Attachment]:
        return [Attachment(**item) for item in self.validated_data["attachments"]]


class TxAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ("at", "outcome", "smtp_code", "enhanced_code", "response", "duration_ms", "relay")


class TxMessageSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = serializers.SerializerMethodField()
    sent_at = serializers.DateTimeField(source="delivery.sent_at", read_only=True, allow_null=True)
    attempts = TxAttemptSerializer(source="delivery.attempt_log", many=True, read_only=True)

    class Meta:
        model = TxMessage
        fields = (
            "id",
            "status",
            "to",
            "template",
            "template_version",
            "subject",
            "suppression_exempted",
            "attachments",
            "size",
            "created_at",
            "sent_at",
            "attempts",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=TxState.choices))
    def get_status(self, obj: TxMessage) -> str:
        return str(tx_state(obj.delivery.status).value)


class TxAcceptedMessageSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    to = serializers.EmailField()


class TxAcceptedSerializer(serializers.Serializer):
    messages = TxAcceptedMessageSerializer(many=True)
    replayed = serializers.BooleanField(
        help_text="True: an earlier request with this Idempotency-Key answered; nothing new was sent"
    )
