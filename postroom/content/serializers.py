from rest_framework import serializers

from postroom.content.models import ContentBlock, Layout, LinkCheck, Message
from postroom.core.serializers import WorkspaceRelatedField


class MessageSerializer(serializers.ModelSerializer):
    layout = WorkspaceRelatedField(queryset=Layout.objects.all(), allow_null=True, required=False)
    required_variables = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=100,
        required=False,
        help_text="Transactional templates: the variables every send must give",
    )

    class Meta:
        model = Message
        fields = (
            "id",
            "name",
            "subject",
            "preheader",
            "from_name",
            "from_email",
            "reply_to",
            "body_format",
            "body",
            "text_body",
            "layout",
            "kind",
            "required_variables",
            "suppression_exempt",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "version", "created_at", "updated_at")


class LayoutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Layout
        fields = ("id", "name", "html", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class ContentBlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContentBlock
        fields = ("id", "key", "name", "kind", "html", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
        validators: list[object] = []


class PreviewRequestSerializer(serializers.Serializer):
    subscriber = serializers.IntegerField(
        required=False, help_text="Render as this subscriber; a sample one when omitted"
    )


class PreviewSerializer(serializers.Serializer):
    subject = serializers.CharField()
    preheader = serializers.CharField()
    html = serializers.CharField()
    text = serializers.CharField()


class LinkCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = LinkCheck
        fields = ("id", "version", "status", "broken", "results", "created_at", "updated_at")
