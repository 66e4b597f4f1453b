"""A campaign's experiment: its variants, how the audience is split, and what each run decided.

The split is a range of the draw: every recipient gets a bucket in
[0, BUCKETS) from a seeded hash of the experiment's seed and the subscriber
(`postroom.experiments.draw`); the holdout, the test group and each bandit wave
are ranges of it, so a crash or a retry never changes who gets what.
"""

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from postroom.core.models import TimeStampedModel

MAX_VARIANTS = 8


def _seed() -> int:
    return secrets.randbelow(2**31)


class Mode(models.TextChoices):
    AB = "ab", _("A/B test, then the winner to the rest")
    BANDIT = "bandit", _("Multi-armed bandit (waves)")
    MANUAL = "manual", _("Test group, then I pick the winner")


class Metric(models.TextChoices):
    OPEN_RATE = "open_rate", _("Unique open rate")
    CLICK_RATE = "click_rate", _("Unique click rate")
    CLICK_TO_OPEN = "click_to_open", _("Click-to-open rate")
    CONVERSION_RATE = "conversion_rate", _("Conversion rate")
    REVENUE = "revenue_per_recipient", _("Revenue per recipient")


class Fallback(models.TextChoices):
    FIRST = "first", _("Send the first variant")
    EXTEND = "extend", _("Wait once more, then send the first variant")


class Experiment(TimeStampedModel):
    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="experiment"
    )
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.AB)
    metric = models.CharField(
        _("winner metric"), max_length=24, choices=Metric.choices, default=Metric.CLICK_RATE
    )
    test_percent = models.PositiveSmallIntegerField(
        _("test group (%)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    test_count = models.PositiveIntegerField(
        _("test group (recipients)"),
        null=True,
        blank=True,
        help_text=_("A number of recipients instead of a percentage."),
    )
    wait_hours = models.PositiveSmallIntegerField(
        _("wait before choosing (hours)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence needed (%)"),
        default=95,
        validators=[MinValueValidator(50), MaxValueValidator(99)],
    )
    fallback = models.CharField(
        _("without a clear winner"), max_length=8, choices=Fallback.choices, default=Fallback.FIRST
    )
    holdout_percent = models.PositiveSmallIntegerField(
        _("holdout (%)"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "A control group that receives nothing; the report shows each variant's lift over it."
        ),
    )
    wave_percent = models.PositiveSmallIntegerField(
        _("wave size (%)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(25)]
    )
    wave_minutes = models.PositiveIntegerField(
        _("time between waves (minutes)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    min_share_percent = models.PositiveSmallIntegerField(
        _("minimum share per variant (%)"),
        default=5,
        validators=[MaxValueValidator(30)],
        help_text=_(
            "While the bandit is unsure, every variant keeps at least this share of a wave."
        ),
    )
    seed = models.BigIntegerField(default=_seed, editable=False)

    def __str__(self) -> str:
        return f"experiment of {self.campaign_id}"


class Variant(TimeStampedModel):
    """What one group of recipients gets instead of the campaign's own message; empty keeps it."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VARIANTS)]
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    preheader = models.CharField(_("preheader"), max_length=255, blank=True)
    from_name = models.CharField(_("from name"), max_length=120, blank=True)
    message = models.ForeignKey(
        "content.Message",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("whole message"),
    )
    send_time = models.TimeField(
        _("send at"),
        null=True,
        blank=True,
        help_text=_("A time of day in the campaign's time zone; empty: with the campaign."),
    )

    class Meta:
        ordering = ("number",)
        constraints = [
            models.UniqueConstraint(fields=["experiment", "number"], name="variant_unique_number")
        ]

    @property
    def letter(self) -> str:
        return chr(ord("A") + self.number - 1)

    def __str__(self) -> str:
        return self.letter


class Phase(models.TextChoices):
    TESTING = "testing", _("Testing")
    WAVES = "waves", _("Sending in waves")
    DECIDED = "decided", _("Winner sent")
    WAITING_PICK = "pick", _("Waiting for the owner's pick")


class Round(TimeStampedModel):
    """One run's experiment: where the draw stands, what is due next, and the decision."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="rounds")
    run = models.OneToOneField(
        "campaigns.CampaignRun", on_delete=models.CASCADE, related_name="experiment_round"
    )
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.TESTING)
    # Buckets below this are released (holdout, test group, waves so far).
    released_to = models.PositiveIntegerField(default=0)
    next_step_at = models.DateTimeField(null=True, blank=True, db_index=True)
    extended = models.BooleanField(default=False)
    winner = models.PositiveSmallIntegerField(null=True, blank=True)
    probability = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=16, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"round of run {self.run_id}"


class WaveKind(models.TextChoices):
    HOLDOUT = "holdout", _("Holdout")
    TEST = "test", _("Test group")
    BANDIT = "bandit", _("Bandit wave")
    WINNER = "winner", _("Winner to the rest")


class Wave(models.Model):
    """A range of the draw released with an allocation (append-only): the allocation chart."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="waves")
    kind = models.CharField(max_length=8, choices=WaveKind.choices)
    at = models.DateTimeField()
    bucket_from = models.PositiveIntegerField()
    bucket_to = models.PositiveIntegerField()
    # {variant number: share of the range} (empty for the holdout).
    shares = models.JSONField(default=dict)

    class Meta:
        ordering = ("at", "id")

    def __str__(self) -> str:
        return f"{self.kind} {self.bucket_from}-{self.bucket_to}"
