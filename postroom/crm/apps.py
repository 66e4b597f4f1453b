from django.apps import AppConfig


class CrmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        from postroom.crm import receivers  # noqa: F401  (connects its receivers)
