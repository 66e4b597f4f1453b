"""What each role may do in the CRM (the map every view and endpoint asks)."""

import pytest

from postroom.accounts.roles import Perm, Role, role_has

CRM = (Perm.CRM_VIEW, Perm.CRM_MARKETING, Perm.CRM_LEADS, Perm.CRM_SALES)
EXPECTED = {
    Role.OWNER: set(CRM),
    Role.ADMIN: set(CRM),
    Role.MARKETER: {Perm.CRM_VIEW, Perm.CRM_MARKETING},
    Role.OPERATOR: {Perm.CRM_VIEW, Perm.CRM_LEADS},
    Role.SALES_MANAGER: {Perm.CRM_VIEW, Perm.CRM_SALES},
    Role.VIEWER: {Perm.CRM_VIEW},
    Role.EDITOR: {Perm.CRM_VIEW},
    Role.APPROVER: {Perm.CRM_VIEW},
}


@pytest.mark.parametrize("role", list(Role))
def test_it_grants_each_role_exactly_its_crm_permissions(role):
    assert {perm for perm in CRM if role_has(role, perm)} == EXPECTED[role]


def test_only_admins_and_owners_manage_members():
    allowed = {role for role in Role if role_has(role, Perm.MEMBERS_MANAGE)}

    assert allowed == {Role.OWNER, Role.ADMIN}
