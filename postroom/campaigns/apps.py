from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "postroom.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        # Imported here, once the app registry is ready: these modules import models.
        from postroom.campaigns import receivers  # noqa: F401  (content and audience signals)
