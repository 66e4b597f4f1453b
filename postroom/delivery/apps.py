from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        # Imported here, once the app registry is ready: they import models.
        from anymail.signals import tracking

        from postroom.campaigns.outbox import outbox_register
        from postroom.delivery.bounces.webhooks import tracking_received
        from postroom.delivery.sending.outbox import DeliveryOutbox
        from postroom.delivery.sending.waves import OutboxWaves

        # Each transport module registers itself under the name relays refer to.
        from postroom.delivery.transports import sandbox, smtp  # noqa: F401
        from postroom.experiments.seams import waves_register

        outbox_register(DeliveryOutbox())
        waves_register(OutboxWaves())
        tracking.connect(tracking_received, dispatch_uid="postroom.delivery.bounces.webhooks")
