from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from anymail.signals import tracking

        from postroom.delivery.bounces.webhooks import tracking_received

        tracking.connect(tracking_received, dispatch_uid="postroom.delivery.bounces.webhooks")
