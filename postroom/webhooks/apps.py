from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from postroom.campaigns.signals import campaign_status_changed
        from postroom.delivery.signals import bounce_recorded, deliveries_recorded
        from postroom.tracking.signals import events_recorded
        from postroom.transactional.signals import tx_status_changed
        from postroom.webhooks import receivers

        pairs: list[tuple[Any, Callable[..., None]]] = [
            (deliveries_recorded, receivers.deliveries_recorded),
            (bounce_recorded, receivers.bounce_recorded),
            (events_recorded, receivers.events_recorded),
            (tx_status_changed, receivers.tx_status_changed),
            (campaign_status_changed, receivers.campaign_status_changed),
        ]
        for signal, receiver in pairs:
            signal.connect(receiver, dispatch_uid=f"webhooks.{receiver.__name__}")
