from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from postroom.content.models import Message
from postroom.core.serializers import WorkspaceRelatedField
from postroom.experiments.models import MAX_VARIANTS, Experiment, Fallback, Metric, Mode


class VariantSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    letter = serializers.CharField(read_only=True)
    subject = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    preheader = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    from_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    message = WorkspaceRelatedField(
        queryset=Message.objects.all(), required=False, allow_null=True, default=None
    )
    send_time = serializers.TimeField(required=False, allow_null=True, default=None)


class ExperimentSerializer(serializers.ModelSerializer):
    """An experiment's configuration and its 2-8 variants (replaced as a whole on write)."""

    variants = VariantSerializer(many=True)
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.AB)
    metric = serializers.ChoiceField(choices=Metric.choices, default=Metric.CLICK_RATE)
    fallback = serializers.ChoiceField(choices=Fallback.choices, default=Fallback.FIRST)

    class Meta:
        model = Experiment
        fields = (
            "mode",
            "metric",
            "test_percent",
            "test_count",
            "wait_hours",
            "confidence",
            "fallback",
            "holdout_percent",
            "wave_percent",
            "wave_minutes",
            "min_share_percent",
            "variants",
        )

    def validate_variants(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not 2 <= len(value) <= MAX_VARIANTS:
            raise serializers.ValidationError(_("An experiment has 2 to 8 variants."))
        return value


class ArmSerializer(serializers.Serializer):
    recipients = serializers.IntegerField()
    opens = serializers.IntegerField()
    clicks = serializers.IntegerField()
    conversions = serializers.IntegerField()
    revenue = serializers.FloatField()


class VariantResultSerializer(serializers.Serializer):
    variant = VariantSerializer()
    assigned = serializers.IntegerField(help_text="Recipients drawn for the variant, sent or not.")
    counts = ArmSerializer(help_text="Recipients sent to, and unique human actions.")
    value = serializers.FloatField(help_text="The winner metric's observed value.")
    interval = serializers.ListField(child=serializers.FloatField(), help_text="95 % interval.")
    probability_best = serializers.FloatField()
    conversion_rate = serializers.FloatField()
    revenue_per_recipient = serializers.FloatField()
    lift = serializers.FloatField(
        allow_null=True, help_text="Conversion rate minus the holdout's (None without one)."
    )
    lift_relative = serializers.FloatField(
        allow_null=True, help_text="Conversion rate over the holdout's, minus 1."
    )
    lift_interval = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="95 % credible interval of the relative lift.",
    )
    lift_probability = serializers.FloatField(
        allow_null=True, help_text="Probability that the variant converts better than the holdout."
    )
    revenue_lift = serializers.FloatField(allow_null=True)


class RoundSerializer(serializers.Serializer):
    run = serializers.IntegerField(source="run_id")
    phase = serializers.CharField()
    next_step_at = serializers.DateTimeField(allow_null=True)
    winner = serializers.IntegerField(allow_null=True)
    probability = serializers.FloatField(allow_null=True)
    reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class WaveSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    shares = serializers.DictField(child=serializers.FloatField())


class ExperimentReportSerializer(serializers.Serializer):
    experiment = ExperimentSerializer()
    variants = VariantResultSerializer(many=True)
    holdout = ArmSerializer(allow_null=True)
    holdout_assigned = serializers.IntegerField()
    round = RoundSerializer(allow_null=True)
    decision = serializers.CharField()
    waves = WaveSerializer(many=True)


class PickWinnerSerializer(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1, max_value=MAX_VARIANTS)


class PickedSerializer(serializers.Serializer):
    released = serializers.IntegerField()
