from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransactionalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "postroom.transactional"
    verbose_name = _("Transactional")

    def ready(self) -> None:
        from postroom.delivery.sending.lane import lane_source_register
        from postroom.transactional.services.lane import TxLaneSource

        lane_source_register(TxLaneSource())
