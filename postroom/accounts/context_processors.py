from typing import Any

from django.http import HttpRequest

from postroom.accounts.models import User
from postroom.accounts.roles import Perm
from postroom.accounts.selectors import membership_list_for_user
from postroom.accounts.workspace import request_membership


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current workspace and the switcher's choices, for the base layout."""
    user = request.user
    if not isinstance(user, User):
        return {}
    membership = request_membership(request)
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace if membership else None,
        "workspace_choices": lambda: list(membership_list_for_user(user=user)),
        "can_manage_members": bool(membership and membership.has(Perm.MEMBERS_MANAGE)),
        "can_change_workspace": bool(membership and membership.has(Perm.WORKSPACE_CHANGE)),
        "can_manage_relays": bool(membership and membership.has(Perm.RELAY_MANAGE)),
        "can_manage_webhooks": bool(membership and membership.has(Perm.WEBHOOK_MANAGE)),
        "can_view_audience": bool(membership and membership.has(Perm.AUDIENCE_VIEW)),
    }
