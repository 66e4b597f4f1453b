from rest_framework import serializers

from postroom.accounts.models import Invitation, Membership, User, Workspace
from postroom.accounts.roles import Role


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class WorkspaceMembershipSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="workspace.id", read_only=True)
    name = serializers.CharField(source="workspace.name", read_only=True)
    is_personal = serializers.BooleanField(source="workspace.is_personal", read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "name", "is_personal", "role")


class MeSerializer(serializers.ModelSerializer):
    workspaces = WorkspaceMembershipSerializer(source="memberships", many=True, read_only=True)
    default_workspace = serializers.IntegerField(
        source="default_workspace_id", read_only=True, allow_null=True
    )

    class Meta:
        model = User
        fields = (
            "id",
            "email",
            "first_name",
            "last_name",
            "time_zone",
            "default_workspace",
            "workspaces",
        )
        read_only_fields = ("id", "email")


class WorkspaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Workspace
        fields = ("id", "name", "is_personal", "created_at")
        read_only_fields = ("id", "is_personal", "created_at")


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "email", "name", "role", "created_at")
        read_only_fields = ("id", "email", "name", "created_at")


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = ("id", "email", "role", "invited_by", "created_at")
        read_only_fields = ("id", "invited_by", "created_at")
