from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Imported here, once the app registry is ready: these modules import models.
        from postroom.delivery.signals import deliveries_recorded
        from postroom.reports import receivers
        from postroom.tracking.signals import events_counted

        deliveries_recorded.connect(
            receivers.deliveries_count, dispatch_uid="reports.deliveries_count"
        )
        events_counted.connect(receivers.events_count, dispatch_uid="reports.events_count")
