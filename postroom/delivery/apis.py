from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins

from postroom.accounts.rest import WorkspaceViewSet, api_membership
from postroom.accounts.roles import Perm
from postroom.delivery.models import SmtpRelay
from postroom.delivery.serializers import RelaySerializer
from postroom.delivery.services import relays


class RelayApi(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceViewSet,
):
    """The workspace's SMTP relays; passwords and DKIM keys can be written, never read."""

    model = SmtpRelay
    serializer_class = RelaySerializer
    read_perm = Perm.RELAY_MANAGE
    write_perm = Perm.RELAY_MANAGE

    def base_queryset(self) -> QuerySet[SmtpRelay]:
        return SmtpRelay.objects.all()

    def _save(self, serializer: Any, relay: SmtpRelay | None) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = relays.relay_save(
            actor=api_membership(self.request),
            relay=relay,
            password=data.pop("password", None),
            dkim_key=data.pop("dkim_key", None),
            mailbox_password=data.pop("mailbox_password", None),
            **data,
        )

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: SmtpRelay) -> None:
        relays.relay_delete(actor=api_membership(self.request), relay=instance)
