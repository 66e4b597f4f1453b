from rest_framework import serializers


class RatesSerializer(serializers.Serializer):
    delivered = serializers.FloatField(allow_null=True)
    bounced = serializers.FloatField(allow_null=True)
    opened = serializers.FloatField(allow_null=True)
    clicked = serializers.FloatField(allow_null=True)
    click_to_open = serializers.FloatField(allow_null=True)
    unsubscribed = serializers.FloatField(allow_null=True)
    complained = serializers.FloatField(allow_null=True)
    converted = serializers.FloatField(allow_null=True)


class PointSerializer(serializers.Serializer):
    hour = serializers.DateTimeField()
    sent = serializers.IntegerField()
    opens = serializers.IntegerField()
    clicks = serializers.IntegerField()
    unsubscribed = serializers.IntegerField()
    bounced = serializers.IntegerField()
    conversions = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)


class DomainSerializer(serializers.Serializer):
    domain = serializers.CharField()
    failed = serializers.IntegerField()
    bounced = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    """Percentages are of delivered messages (click-to-open: of unique opens); null when 0/0."""

    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    deferred = serializers.IntegerField(help_text="Attempts answered with a temporary failure.")
    bounced = serializers.IntegerField()
    bounced_hard = serializers.IntegerField()
    bounced_soft = serializers.IntegerField()
    opens = serializers.IntegerField()
    opens_unique = serializers.IntegerField()
    opens_machine = serializers.IntegerField()
    clicks = serializers.IntegerField()
    clicks_unique = serializers.IntegerField()
    clicks_machine = serializers.IntegerField()
    unsubscribed = serializers.IntegerField()
    complained = serializers.IntegerField()
    pages = serializers.IntegerField()
    conversions = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    machine_included = serializers.BooleanField()
    rates = RatesSerializer()
    series = PointSerializer(many=True)
    failing_domains = DomainSerializer(many=True)


class StatsFilterSerializer(serializers.Serializer):
    run = serializers.IntegerField(required=False)
    machine = serializers.BooleanField(required=False, default=False)


class LinkStatsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    clicks = serializers.IntegerField()
    clicks_unique = serializers.IntegerField()
    clicks_machine = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class PushRatesSerializer(serializers.Serializer):
    delivered = serializers.FloatField(allow_null=True, help_text="% of sent.")
    failed = serializers.FloatField(allow_null=True, help_text="% of sent and failed.")
    clicked = serializers.FloatField(allow_null=True, help_text="% of delivered (else of sent).")


class PushFiguresSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text="Accepted by the provider.")
    delivered = serializers.IntegerField(
        help_text="Shown on the device (its receipt) or confirmed by the provider's receipt."
    )
    failed = serializers.IntegerField(
        help_text="Refused when sent, or reported undelivered by the provider."
    )
    clicked = serializers.IntegerField(help_text="Tapped, once per delivery.")
    invalidated = serializers.IntegerField(
        help_text="Devices found invalid by this campaign's sends (never sent to again)."
    )
    rates = PushRatesSerializer()


class PushVariantSerializer(PushFiguresSerializer):
    variant = serializers.IntegerField(allow_null=True)
    letter = serializers.CharField()


class PushPlatformSerializer(PushFiguresSerializer):
    kind = serializers.CharField(help_text="The device kind: webpush, fcm, apns, onesignal.")
    platform = serializers.CharField()


class PushReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()
    count = serializers.IntegerField()


class PushStatsSerializer(serializers.Serializer):
    """A push campaign's figures; live while it sends (read from the deliveries and events)."""

    totals = PushFiguresSerializer()
    variants = PushVariantSerializer(many=True)
    platforms = PushPlatformSerializer(many=True)
    reasons = PushReasonSerializer(many=True)
