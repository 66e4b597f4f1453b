from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from postroom.reports import receivers
        from postroom.tracking.signals import events_counted

        events_counted.connect(receivers.events_count, dispatch_uid="reports.events_count")
