from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.experiments"
    verbose_name = _("Experiments")

    def ready(self) -> None:
        # Imported here, once the app registry is ready: it imports models.
        from postroom.experiments import receivers  # noqa: F401  (clone, approval fingerprint)
