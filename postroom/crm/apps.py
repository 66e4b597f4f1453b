from django.apps import AppConfig


class CrmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.crm"
    verbose_name = "CRM"

    def ready(self) -> None:
        # Imported here, once the app registry is ready: these modules import models.
        from postroom.crm import receivers, snippet_leads  # noqa: F401  (connect their receivers)
