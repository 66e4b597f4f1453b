from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.push"
    verbose_name = _("Push")

    def ready(self) -> None:
        # Each module registers its transport (`transport_register`) when imported; they import models.
        from postroom.push.channel import channel_setup
        from postroom.push.providers import apns, fcm, onesignal, sandbox, webhook, webpush  # noqa: F401

        channel_setup()
