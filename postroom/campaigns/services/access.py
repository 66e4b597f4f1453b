"""Who may do what to a campaign: the role, and the campaign's workspace."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.campaigns.models import Campaign


def require_perm(actor: Membership, perm: str, campaign: Campaign | None = None) -> None:
    """The actor's role allows `perm`, and the campaign (if any) is in the actor's workspace."""
    if not actor.has(perm):
        raise PermissionDenied(_("Your role in this workspace does not allow this."))
    if campaign is not None and campaign.workspace_id != actor.workspace_id:
        raise PermissionDenied(_("That belongs to another workspace."))
