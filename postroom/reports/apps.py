from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from postroom.reports import delivery_receivers  # noqa: F401  (connects its receivers)
