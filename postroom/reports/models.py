"""Aggregates kept up to date as deliveries finish and events arrive; reports read only these."""

from django.db import models

# The counters of one (run, hour, shard) row; a report sums rows, a chart groups them by hour.
METRICS = (
    "sent",
    "failed",
    "skipped",
    "deferred",
    "bounced_hard",
    "bounced_soft",
    "complained",
    "unsubscribed",
    "opens",
    "opens_unique",
    "opens_machine",
    "opens_unique_any",
    "clicks",
    "clicks_unique",
    "clicks_machine",
    "clicks_unique_any",
    "pages",
    "conversions",
)


class Counter(models.Model):
    """Counts of one run in one hour, in one shard.

    Writers add to their own shard (a sending worker to one picked from its
    name), so concurrent workers do not queue on one row; readers sum the few
    rows of a campaign. `failed` can go down (retrying failed recipients).
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    run = models.ForeignKey(
        "campaigns.CampaignRun", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    hour = models.DateTimeField()
    shard = models.PositiveSmallIntegerField(default=0)
    sent = models.IntegerField(db_default=0)
    failed = models.IntegerField(db_default=0)
    skipped = models.IntegerField(db_default=0)
    deferred = models.IntegerField(db_default=0)
    bounced_hard = models.IntegerField(db_default=0)
    bounced_soft = models.IntegerField(db_default=0)
    complained = models.IntegerField(db_default=0)
    unsubscribed = models.IntegerField(db_default=0)
    opens = models.IntegerField(db_default=0)
    opens_unique = models.IntegerField(db_default=0)
    opens_machine = models.IntegerField(db_default=0)
    opens_unique_any = models.IntegerField(db_default=0)
    clicks = models.IntegerField(db_default=0)
    clicks_unique = models.IntegerField(db_default=0)
    clicks_machine = models.IntegerField(db_default=0)
    clicks_unique_any = models.IntegerField(db_default=0)
    pages = models.IntegerField(db_default=0)
    conversions = models.IntegerField(db_default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "hour", "shard"], name="counter_unique_slot")
        ]
        indexes = [models.Index(fields=["campaign", "hour"], name="counter_campaign_hour")]

    def __str__(self) -> str:
        return f"run {self.run_id} {self.hour:%Y-%m-%d %H}:00 #{self.shard}"


class FailedDomain(models.Model):
    """Failed deliveries and bounces per recipient domain and run (the top failing domains)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    run = models.ForeignKey(
        "campaigns.CampaignRun", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    domain = models.CharField(max_length=253)
    failed = models.IntegerField(db_default=0)
    bounced = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "domain"], name="faileddomain_unique")
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.failed} failed, {self.bounced} bounced"
