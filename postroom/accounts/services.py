"""Every write to users, workspaces, memberships and invitations."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from postroom.accounts.models import Invitation, Membership, User, Workspace
from postroom.accounts.roles import Perm, Role, role_can_grant
from postroom.core.ratelimit import hourly_limit_exceeded
from postroom.core.zones import zone_named


@transaction.atomic
def workspace_create(*, owner: User, name: str, is_personal: bool = False) -> Workspace:
    """Create a workspace owned by `owner`; it becomes their default if they had none."""
    workspace = Workspace.objects.create(name=name.strip(), is_personal=is_personal)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    if owner.default_workspace_id is None:
        owner.default_workspace = workspace
        owner.save(update_fields=["default_workspace", "updated_at"])
    return workspace


def workspace_create_personal(*, user: User) -> Workspace:
    name = _("%(name)s's workspace") % {"name": user.get_full_name() or user.email.split("@")[0]}
    return workspace_create(owner=user, name=name, is_personal=True)


def workspace_rename(*, actor: Membership, name: str) -> Workspace:
    return workspace_configure(actor=actor, name=name)


def workspace_configure(
    *, actor: Membership, name: str, campaigns_need_approval: bool | None = None
) -> Workspace:
    _require(actor, Perm.WORKSPACE_CHANGE)
    workspace = actor.workspace
    workspace.name = name.strip()
    if campaigns_need_approval is not None:
        workspace.campaigns_need_approval = campaigns_need_approval
    workspace.save(update_fields=["name", "campaigns_need_approval", "updated_at"])
    return workspace


def workspace_switch(*, user: User, workspace_id: int) -> Membership:
    """The membership to work in after switching; refused if the user is not a member.

    The web remembers the choice per session, so switching in one browser does
    not move other sessions or API clients; `default_workspace` (where new
    sessions and header-less API calls land) only changes when it is unset.
    """
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace_id=workspace_id)
        .first()
    )
    if membership is None:
        raise PermissionDenied(_("You are not a member of that workspace."))
    if user.default_workspace_id is None:
        user.default_workspace_id = membership.workspace_id
        user.save(update_fields=["default_workspace", "updated_at"])
    return membership


@transaction.atomic
def invitation_create(*, actor: Membership, email: str, role: str, accept_url: str) -> Invitation:
    """Invite `email` to the actor's workspace as `role` and mail them a signed link.

    `accept_url` is the absolute URL of the acceptance view with `{token}` to fill.
    An open invitation to the same address is replaced, so re-inviting resends.
    """
    from postroom.accounts.tasks import invitation_send

    _require(actor, Perm.MEMBERS_MANAGE)
    if not role_can_grant(actor.role, role):
        raise PermissionDenied(_("You cannot grant that role."))
    email = User.objects.normalize_email(email).lower()
    if actor.workspace.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    _invitation_rate_check(actor)
    Invitation.objects.filter(
        workspace=actor.workspace, email=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                workspace=actor.workspace, email=email, role=role, invited_by=actor.user
            )
    except IntegrityError as exc:  # the same address invited at the same moment
        raise ValidationError({"email": _("An invitation to this address was just sent.")}) from exc
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: invitation_send(invitation.pk, accept_url, language))
    return invitation


INVITATIONS_PER_HOUR = 50


def _invitation_rate_check(actor: Membership) -> None:
    """At most INVITATIONS_PER_HOUR invitation mails per workspace (the relay is no spam cannon)."""
    if hourly_limit_exceeded(f"invitations:{actor.workspace_id}", INVITATIONS_PER_HOUR):
        raise ValidationError(_("Too many invitations this hour; try again later."))


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> None:
    _require(actor, Perm.MEMBERS_MANAGE)
    _require_same_workspace(actor, invitation.workspace_id)
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the invitation's workspace; only the invited address may accept."""
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(
            _("This invitation was sent to %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open:
        raise ValidationError(_("This invitation has already been used or was withdrawn."))
    membership, created = Membership.objects.get_or_create(
        workspace_id=locked.workspace_id, user=user, defaults={"role": locked.role}
    )
    if not created and membership.role != Role.OWNER and membership.role != locked.role:
        # Joined meanwhile by another invitation: the newest invitation's role applies.
        membership.role = locked.role
        membership.save(update_fields=["role", "updated_at"])
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    if user.default_workspace_id is None:
        user.default_workspace_id = locked.workspace_id
        user.save(update_fields=["default_workspace", "updated_at"])
    return membership


@transaction.atomic
def membership_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    _require(actor, Perm.MEMBERS_MANAGE)
    _require_same_workspace(actor, membership.workspace_id)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if not role_can_grant(actor.role, role) or not role_can_grant(actor.role, membership.role):
        raise PermissionDenied(_("You cannot change this member to or from that role."))
    if membership.role == Role.OWNER and role != Role.OWNER:
        _require_another_owner(membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, actor: Membership, membership: Membership) -> None:
    """Remove a member; anyone may leave, managing others needs `members.manage`."""
    _require_same_workspace(actor, membership.workspace_id)
    if membership.pk != actor.pk:
        _require(actor, Perm.MEMBERS_MANAGE)
        if not role_can_grant(actor.role, membership.role):
            raise PermissionDenied(_("You cannot remove a member with that role."))
    if membership.role == Role.OWNER:
        _require_another_owner(membership)
    user = membership.user
    membership.delete()
    if user.default_workspace_id == membership.workspace_id:
        user.default_workspace = None
        user.save(update_fields=["default_workspace", "updated_at"])


def user_profile_update(*, user: User, first_name: str, last_name: str, time_zone: str) -> User:
    """`time_zone` blank: none chosen, the browser's is taken on the next visit."""
    if time_zone and zone_named(time_zone) is None:
        raise ValidationError({"time_zone": _("Unknown time zone.")})
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.time_zone = time_zone
    user.save(update_fields=["first_name", "last_name", "time_zone", "updated_at"])
    return user


def user_time_zone_default(*, user: User, time_zone: str) -> bool:
    """Take the browser's zone as the user's, unless they have one already (their choice wins).

    True when it was taken. An unknown name is refused: it would show every time in UTC.
    """
    if zone_named(time_zone) is None:
        raise ValidationError({"time_zone": _("Unknown time zone.")})
    return bool(
        User.objects.filter(pk=user.pk, time_zone="").update(
            time_zone=time_zone, updated_at=timezone.now()
        )
    )


def user_api_tokens_revoke(*, user: User) -> int:
    """Delete the user's API tokens (after a password change or reset)."""
    from rest_framework.authtoken.models import Token

    deleted, _details = Token.objects.filter(user=user).delete()
    return deleted


def user_block(*, user: User, by: User, reason: str) -> User:
    """Block a user: no log-in, existing sessions end, API tokens are refused."""
    if not by.has_perm("accounts.block_user"):
        raise PermissionDenied(_("You may not block users."))
    if user.pk == by.pk:
        raise ValidationError(_("You cannot block yourself."))
    _require_may_moderate(user=user, by=by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the user is blocked.")})
    user.is_active = False
    user.blocked_at = timezone.now()
    user.blocked_reason = reason.strip()
    user.blocked_by = by
    user.save(
        update_fields=["is_active", "blocked_at", "blocked_reason", "blocked_by", "updated_at"]
    )
    return user


def user_unblock(*, user: User, by: User) -> User:
    if not by.has_perm("accounts.block_user"):
        raise PermissionDenied(_("You may not unblock users."))
    _require_may_moderate(user=user, by=by)
    if user.blocked_by is not None and user.blocked_by.is_superuser and not by.is_superuser:
        raise PermissionDenied(_("Only a superuser can lift a block a superuser set."))
    user.is_active = True
    user.blocked_at = None
    user.blocked_reason = ""
    user.blocked_by = None
    user.save(
        update_fields=["is_active", "blocked_at", "blocked_reason", "blocked_by", "updated_at"]
    )
    return user


def _require_may_moderate(*, user: User, by: User) -> None:
    """Managers moderate customers; staff and superusers are moderated by superusers only."""
    if by.is_superuser:
        return
    if user.is_superuser or user.is_staff or user.groups.exists():
        raise PermissionDenied(_("Only a superuser can block or unblock platform staff."))


def _require(actor: Membership, perm: str) -> None:
    if not actor.has(perm):
        raise PermissionDenied(_("Your role in this workspace does not allow this."))


def _require_same_workspace(actor: Membership, workspace_id: int) -> None:
    if actor.workspace_id != workspace_id:
        raise PermissionDenied(_("That belongs to another workspace."))


def _require_another_owner(membership: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        workspace_id=membership.workspace_id, role=Role.OWNER
    )
    if not owners.exclude(pk=membership.pk).exists():
        raise ValidationError(_("A workspace needs at least one owner."))
