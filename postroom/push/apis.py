"""The push API: devices (and their registration by key), creatives, provider settings, registration keys."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, status, throttling
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from postroom.accounts.rest import WorkspacePermission, WorkspaceViewSet
from postroom.accounts.roles import Perm
from postroom.core.rest.authentication import TokenAuthentication
from postroom.push import selectors
from postroom.push.authentication import RegistrationCaller, RegistrationKeyAuthentication
from postroom.push.models import Creative, Device, DeviceKind, PushProvider, RegistrationKey
from postroom.push.serializers import (
    CreativeSerializer,
    DeviceRegisterSerializer,
    DeviceSerializer,
    ProviderSerializer,
    RegisteredSerializer,
    RegistrationKeySerializer,
)
from postroom.push.services import creatives as creative_services
from postroom.push.services import devices as device_services
from postroom.push.services import keys as key_services
from postroom.push.services import providers as provider_services

_CRUD = (
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
)


class RegistrationOrWorkspacePermission(WorkspacePermission):
    """A registration key may call `register` and nothing else; users need their role as usual."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.user, RegistrationCaller):
            return getattr(view, "action", None) == "register"
        return super().has_permission(request, view)


class RegistrationThrottle(throttling.SimpleRateThrottle):
    """Registrations per key (the web snippet's key is public): 300 a minute; users are not counted."""

    scope = "push_register"
    rate = "300/min"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.user, RegistrationCaller):
            return self.cache_format % {"scope": self.scope, "ident": request.user.key.pk}
        return None


class DeviceApi(*_CRUD, WorkspaceViewSet):  # type: ignore[misc]
    """The workspace's devices. `register/` also takes a registration key (`Authorization: Key …`)."""

    model = Device
    serializer_class = DeviceSerializer
    read_perm = Perm.AUDIENCE_VIEW
    write_perm = Perm.AUDIENCE_CHANGE
    authentication_classes = [
        TokenAuthentication,
        SessionAuthentication,
        RegistrationKeyAuthentication,
    ]
    permission_classes = (permissions.IsAuthenticated, RegistrationOrWorkspacePermission)
    # Counts registration keys' calls only (the web snippet's key is public).
    throttle_classes = [RegistrationThrottle]

    def base_queryset(self) -> QuerySet[Device]:
        return selectors.device_list(params=self.request.query_params)

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        subscriber, kind, token = data.pop("subscriber"), data.pop("kind"), data.pop("token")
        serializer.instance, _ = device_services.device_register(
            subscriber=subscriber,
            kind=kind,
            token=token,
            fields=device_services.DeviceFields(**data),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = device_services.device_update(
            device=serializer.instance, fields=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance: Device) -> None:
        device_services.device_delete(device=instance)

    def _registering(self) -> bool:
        match = self.request.resolver_match
        return match is not None and match.url_name == "push-device-register"

    def check_permissions(self, request: Request) -> None:
        # A browser's CORS preflight for the snippet's registration carries no credentials.
        if request.method == "OPTIONS" and self._registering():
            return
        super().check_permissions(request)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._registering():
            # Customers' pages register from their own origins, with a key and no cookies.
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response["Access-Control-Max-Age"] = "86400"
        return response

    @extend_schema(
        request=DeviceRegisterSerializer,
        responses={200: RegisteredSerializer, 201: RegisteredSerializer},
    )
    @action(detail=False, methods=["post"])
    def register(self, request: Request) -> Response:
        """Register a device, or update the one with the same token (valid again, seen now)."""
        caller = request.user
        workspace = caller.workspace if isinstance(caller, RegistrationCaller) else self.workspace
        form = DeviceRegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        email, external_id = data.pop("email"), data.pop("external_id")
        if isinstance(caller, RegistrationCaller) and (email or external_id):
            raise exceptions.ValidationError(
                {
                    "email": [
                        _(
                            "A registration key is public: it cannot name a contact. Link the "
                            "device to a subscriber from your server, with an API token."
                        )
                    ]
                }
            )
        if isinstance(caller, RegistrationCaller) and data["kind"] == DeviceKind.WEBHOOK:
            raise exceptions.ValidationError(
                {
                    "kind": [
                        _(
                            "A registration key registers apps and browsers. Register a "
                            "gateway address from your server, with an API token."
                        )
                    ]
                }
            )
        subscriber = device_services.registration_subscriber(
            workspace=workspace,
            email=email,
            external_id=external_id,
            kind=data["kind"],
            token=data["token"],
        )
        device, created = device_services.device_register(
            subscriber=subscriber,
            kind=data.pop("kind"),
            token=data.pop("token"),
            fields=device_services.DeviceFields(**data),
        )
        answer = RegisteredSerializer({"id": device.pk, "created": created}).data
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CreativeApi(*_CRUD, WorkspaceViewSet):  # type: ignore[misc]
    """Push creatives; saved only within every platform's size limits."""

    model = Creative
    serializer_class = CreativeSerializer
    read_perm = Perm.WORKSPACE_VIEW
    write_perm = Perm.CONTENT_CHANGE

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = creative_services.creative_save(
            workspace=self.workspace, creative=None, fields=serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = creative_services.creative_save(
            workspace=self.workspace, creative=serializer.instance, fields=serializer.validated_data
        )

    def perform_destroy(self, instance: Creative) -> None:
        creative_services.creative_delete(creative=instance)

    @extend_schema(
        responses=inline_serializer(
            "CreativePreview",
            {
                "title": serializers.CharField(),
                "body": serializers.CharField(),
                "click_url": serializers.CharField(),
                "icon": serializers.CharField(),
                "image": serializers.CharField(),
                "platforms": inline_serializer(
                    "CreativePlatformSize",
                    {
                        "kind": serializers.CharField(),
                        "label": serializers.CharField(),
                        "size": serializers.IntegerField(),
                        "limit": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> Response:
        """The creative rendered for a sample recipient, with its payload size against each platform's limit."""
        return Response(selectors.creative_preview(self.get_object()))


class ProviderApi(*_CRUD, WorkspaceViewSet):  # type: ignore[misc]
    """The workspace's push providers; secrets can be written, never read."""

    model = PushProvider
    serializer_class = ProviderSerializer
    read_perm = Perm.RELAY_MANAGE
    write_perm = Perm.RELAY_MANAGE

    def _save(self, serializer: Any, provider: PushProvider | None) -> None:
        data = dict(serializer.validated_data)
        kind = data.pop("kind", provider.kind if provider else "")
        serializer.instance = provider_services.provider_save(
            workspace=self.workspace,
            provider=provider,
            kind=kind,
            secret=data.pop("secret", None),
            fields=data,
        )

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: PushProvider) -> None:
        provider_services.provider_delete(provider=instance)


class RegistrationKeyApi(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceViewSet,
):
    """Keys that register devices and nothing else; the key is shown once. DELETE revokes it."""

    model = RegistrationKey
    serializer_class = RegistrationKeySerializer
    read_perm = Perm.RELAY_MANAGE
    write_perm = Perm.RELAY_MANAGE

    def perform_create(self, serializer: Any) -> None:
        key, raw = key_services.registration_key_create(
            workspace=self.workspace, name=serializer.validated_data["name"]
        )
        key.raw = raw  # type: ignore[attr-defined]
        serializer.instance = key

    def perform_destroy(self, instance: RegistrationKey) -> None:
        key_services.registration_key_revoke(key=instance)
