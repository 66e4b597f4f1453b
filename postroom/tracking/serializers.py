from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from postroom.tracking.models import Event, EventKind


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = (
            "id",
            "kind",
            "at",
            "campaign",
            "run",
            "delivery",
            "subscriber",
            "link",
            "machine",
            "agent",
            "goal",
            "revenue",
            "url",
        )
        read_only_fields = fields


class EventFilterSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=EventKind.choices, required=False)
    campaign = serializers.IntegerField(required=False)
    subscriber = serializers.IntegerField(required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    machine = serializers.BooleanField(required=False, allow_null=True, default=None)


class ConversionSerializer(serializers.Serializer):
    """A goal reached by a recipient who came from a message.

    `visitor` is the `pr_v` value the click-through added to the landing page's
    URL (the snippet keeps it). Without one, `email` names the recipient: the
    conversion counts for their latest message of a run started within
    TRACKING_ATTRIBUTION_DAYS (or `campaign`'s), a holdout place included, which
    is how an experiment measures its lift over the control group. `event_id`
    (an order number, say) makes the call idempotent: sending it again records
    nothing new.
    """

    visitor = serializers.CharField(max_length=64, required=False)
    email = serializers.EmailField(required=False)
    campaign = serializers.IntegerField(required=False, min_value=1)
    goal = serializers.CharField(max_length=100, default="conversion")
    revenue = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    event_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    url = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("visitor") and not attrs.get("email"):
            raise serializers.ValidationError(
                {"visitor": [_("Give the visitor token, or the recipient's email.")]}
            )
        return attrs


class ConversionResultSerializer(serializers.Serializer):
    recorded = serializers.BooleanField()
    delivery = serializers.IntegerField()
    campaign = serializers.IntegerField()
