from django.apps import AppConfig


class TrackingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.tracking"
    verbose_name = "Tracking"

    def ready(self) -> None:
        # Imported here, once the app registry is ready: these modules import models.
        from postroom.delivery.sending.tracking import tracker_register
        from postroom.experiments.seams import outcomes_register
        from postroom.tracking import (  # noqa: F401  (signal receivers, conditions)
            push_receipts,
            receivers,
            segments,
        )
        from postroom.tracking.experiment_outcomes import TrackedOutcomes
        from postroom.tracking.mailtracker import MailTracker

        tracker_register(MailTracker())
        outcomes_register(TrackedOutcomes())
