from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from postroom.accounts import selectors, services
from postroom.accounts.invitations import invitation_accept_url
from postroom.accounts.models import Invitation, Membership, User, Workspace
from postroom.accounts.rest import WorkspaceViewSet, api_membership, request_user
from postroom.accounts.roles import Perm
from postroom.accounts.serializers import (
    InvitationSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    WorkspaceSerializer,
)
from postroom.core.rest.throttling import EmailRateThrottle
from postroom.core.tenancy import get_scoped_or_404


class TokenObtainApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle, EmailRateThrottle)
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer, auth=[])
    def post(self, request: Request) -> Response:
        from rest_framework.authtoken.models import Token

        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            raise ValidationError(
                {"non_field_errors": ["Wrong email or password, or the account is blocked."]}
            )
        if not EmailAddress.objects.filter(user=user, verified=True).exists():
            raise ValidationError(
                {"non_field_errors": ["Verify your email address (see the mail we sent) first."]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    permission_classes = (IsAuthenticated,)

    def _user(self, request: Request) -> User:
        user = request_user(request)
        return User.objects.prefetch_related(
            Prefetch("memberships", queryset=selectors.membership_list_for_user(user=user))
        ).get(pk=user.pk)

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(self._user(request)).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        data = MeSerializer(request.user, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        services.user_profile_update(
            user=user,
            first_name=data.validated_data.get("first_name", user.first_name),
            last_name=data.validated_data.get("last_name", user.last_name),
            time_zone=data.validated_data.get("time_zone", user.time_zone),
        )
        return Response(MeSerializer(self._user(request)).data)


class WorkspaceApi(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The workspaces the caller belongs to; renaming needs `workspace.change` there."""

    serializer_class = WorkspaceSerializer
    permission_classes = (IsAuthenticated,)

    def get_queryset(self) -> QuerySet[Workspace]:
        if getattr(self, "swagger_fake_view", False):
            return Workspace.objects.none()
        return Workspace.objects.filter(memberships__user=request_user(self.request)).order_by("id")

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.workspace_create(
            owner=request_user(self.request),
            name=serializer.validated_data["name"],
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        membership = get_scoped_or_404(
            Membership, pk, field="workspace_id", user=request_user(request)
        )
        data = WorkspaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = services.workspace_rename(actor=membership, name=data.validated_data["name"])
        return Response(WorkspaceSerializer(workspace).data)


class MemberApi(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, WorkspaceViewSet
):
    """Members of the request's workspace (`X-Workspace`).

    Any member may read and leave; the services decide who may change or remove others.
    """

    model = Membership
    serializer_class = MemberSerializer
    read_perm = write_perm = Perm.WORKSPACE_VIEW

    def base_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("user").order_by("user__email")

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            actor=api_membership(request),
            membership=self.get_object(),
            role=data.validated_data["role"],
        )
        return Response(MemberSerializer(membership).data)

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_remove(actor=api_membership(self.request), membership=instance)


class InvitationApi(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, WorkspaceViewSet
):
    """Open invitations of the request's workspace; creating one mails a signed link."""

    model = Invitation
    serializer_class = InvitationSerializer
    read_perm = write_perm = Perm.MEMBERS_MANAGE

    def base_queryset(self) -> QuerySet[Invitation]:
        return Invitation.objects.filter(accepted_at=None, revoked_at=None).select_related(
            "invited_by"
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        serializer.instance = services.invitation_create(
            actor=api_membership(self.request),
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            accept_url=invitation_accept_url(self.request),
        )

    def perform_destroy(self, instance: Invitation) -> None:
        services.invitation_revoke(actor=api_membership(self.request), invitation=instance)
