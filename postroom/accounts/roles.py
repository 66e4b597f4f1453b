"""Workspace roles and what each may do: the one map every permission check reads.

Views and API endpoints ask `role_has(role, Perm.X)`; no code compares role
names itself, so changing what a role may do is a change to this file only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    APPROVER = "approver", _("Approver")
    VIEWER = "viewer", _("Viewer")
    MARKETER = "marketer", _("Marketer")
    OPERATOR = "operator", _("Operator")
    SALES_MANAGER = "sales_manager", _("Sales manager")


class Perm(models.TextChoices):
    WORKSPACE_VIEW = "workspace.view", _("See the workspace")
    WORKSPACE_CHANGE = "workspace.change", _("Rename and configure the workspace")
    WORKSPACE_DELETE = "workspace.delete", _("Delete the workspace")
    MEMBERS_MANAGE = "members.manage", _("Invite, change and remove members")
    AUDIENCE_VIEW = "audience.view", _("See subscribers, lists and segments")
    AUDIENCE_CHANGE = "audience.change", _("Change subscribers, lists and segments")
    CONTENT_CHANGE = "content.change", _("Write messages and templates")
    CAMPAIGN_CHANGE = "campaign.change", _("Create and schedule campaigns")
    CAMPAIGN_APPROVE = "campaign.approve", _("Approve or reject campaigns")
    CAMPAIGN_SEND = "campaign.send", _("Send, pause and cancel campaigns")
    RELAY_MANAGE = "relay.manage", _("Configure sending relays")
    WEBHOOK_MANAGE = "webhook.manage", _("Configure event webhooks and see their secrets")
    REPORTS_VIEW = "reports.view", _("See reports")
    CRM_VIEW = "crm.view", _("See the CRM: services, advertising campaigns, leads, customers, ROI")
    CRM_MARKETING = "crm.marketing", _("Manage services and advertising campaigns with their spend")
    CRM_LEADS = "crm.leads", _("Record, edit and merge leads")
    CRM_SALES = "crm.sales", _("Convert leads into customers with contracts and their documents")


_EVERYTHING = frozenset(Perm)
# Viewers read the CRM too, but never its contract documents (those need CRM_SALES).
_READ = frozenset({Perm.WORKSPACE_VIEW, Perm.AUDIENCE_VIEW, Perm.REPORTS_VIEW, Perm.CRM_VIEW})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OWNER: _EVERYTHING,
    Role.ADMIN: _EVERYTHING - {Perm.WORKSPACE_DELETE},
    Role.EDITOR: _READ
    | {Perm.AUDIENCE_CHANGE, Perm.CONTENT_CHANGE, Perm.CAMPAIGN_CHANGE, Perm.CAMPAIGN_SEND},
    Role.APPROVER: _READ | {Perm.CAMPAIGN_APPROVE},
    Role.VIEWER: _READ,
    Role.MARKETER: _READ
    | {Perm.AUDIENCE_CHANGE, Perm.CONTENT_CHANGE, Perm.CAMPAIGN_CHANGE, Perm.CRM_MARKETING},
    Role.OPERATOR: _READ | {Perm.CRM_LEADS},
    Role.SALES_MANAGER: _READ | {Perm.CRM_SALES},
}

# Roles an admin may hand out; only an owner can make another owner.
ROLES_GRANTABLE_BY_ADMIN = frozenset(Role) - {Role.OWNER}


def role_has(role: str | None, perm: str) -> bool:
    return role is not None and perm in ROLE_PERMISSIONS.get(role, frozenset())


def role_can_grant(granter_role: str | None, role: str) -> bool:
    if granter_role == Role.OWNER:
        return True
    return role_has(granter_role, Perm.MEMBERS_MANAGE) and role in ROLES_GRANTABLE_BY_ADMIN
