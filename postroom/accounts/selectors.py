from django.db.models import Prefetch, Q, QuerySet

from postroom.accounts.models import Invitation, Membership, User, Workspace


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("-workspace__is_personal", "workspace__name", "workspace_id")
    )


_MAX_ID = 2**63 - 1  # ids are 64-bit (BigAutoField)


def membership_get(*, user: User, workspace_id: int | str | None) -> Membership | None:
    """The user's membership of `workspace_id`, or None when they are not a member."""
    if not user.is_authenticated or workspace_id in (None, ""):
        return None
    try:
        pk = int(workspace_id)
    except (ValueError, TypeError):
        return None
    if not 0 < pk <= _MAX_ID:  # a larger number fails in the database, not as "no such row"
        return None
    try:
        return membership_list_for_user(user=user).get(workspace_id=pk)
    except Membership.DoesNotExist:
        return None


def membership_default(*, user: User) -> Membership | None:
    """The membership a user lands in: their default workspace, else the first one."""
    membership = membership_get(user=user, workspace_id=user.default_workspace_id)
    return membership or membership_list_for_user(user=user).first()


def workspace_member_list(*, workspace: Workspace) -> QuerySet[Membership]:
    return workspace.memberships.select_related("user").order_by("user__email")


def invitation_open_list(*, workspace: Workspace) -> QuerySet[Invitation]:
    return workspace.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def staff_user_list(*, search: str = "", blocked: bool | None = None) -> QuerySet[User]:
    """Every user with their workspaces and roles (two queries whatever the page size)."""
    users = User.objects.order_by("email").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("workspace").order_by("workspace__name"),
        )
    )
    if search:
        users = users.filter(
            Q(email__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(memberships__workspace__name__icontains=search)
        ).distinct()
    if blocked is not None:
        users = users.filter(blocked_at__isnull=not blocked)
    return users
