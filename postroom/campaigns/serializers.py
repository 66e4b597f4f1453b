from typing import Any

from rest_framework import serializers

from postroom.audience.models import MailingList, Segment
from postroom.campaigns.channels import channel_content
from postroom.campaigns.models import Campaign, CampaignEvent, CampaignRun
from postroom.content.models import Message
from postroom.core.serializers import WorkspaceRelatedField


class CampaignSerializer(serializers.ModelSerializer):
    # An email campaign's message (required for email, refused by the service when missing); null for push.
    message = WorkspaceRelatedField(queryset=Message.objects.all(), allow_null=True, required=False)
    # A push campaign's creative (id), kept by the push app; null for email.
    creative = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    lists = WorkspaceRelatedField(queryset=MailingList.objects.all(), many=True, required=False)
    exclude_lists = WorkspaceRelatedField(
        queryset=MailingList.objects.all(), many=True, required=False
    )
    segment = WorkspaceRelatedField(queryset=Segment.objects.all(), allow_null=True, required=False)
    exclude_segment = WorkspaceRelatedField(
        queryset=Segment.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Campaign
        fields = (
            "id",
            "name",
            "channel",
            "message",
            "creative",
            "lists",
            "segment",
            "exclude_lists",
            "exclude_segment",
            "start_at",
            "end_at",
            "periodicity",
            "weekdays",
            "month_day",
            "send_time",
            "time_zone",
            "send_at_start",
            "window_start",
            "window_end",
            "priority",
            "track_opens",
            "track_clicks",
            "status",
            "next_run_at",
            "disabled_reason",
            "paused_reason",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "id",
            "status",
            "next_run_at",
            "disabled_reason",
            "paused_reason",
            "created_at",
            "updated_at",
        )

    def to_representation(self, instance: Campaign) -> dict[str, Any]:
        data = super().to_representation(instance)
        content = channel_content(instance.channel)
        data["creative"] = content.current(instance) if content is not None else None
        return data


class CampaignEventSerializer(serializers.ModelSerializer):
    user = serializers.EmailField(source="user.email", read_only=True, default=None)

    class Meta:
        model = CampaignEvent
        fields = ("action", "user", "comment", "created_at")


class CampaignRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignRun
        fields = ("id", "scheduled_for", "status", "started_at", "finished_at", "recipients")


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DisableSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RetriedSerializer(serializers.Serializer):
    retried = serializers.IntegerField()
