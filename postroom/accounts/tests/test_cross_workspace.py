"""Every attempt to reach another workspace's objects by id must be refused."""

import pytest
from django.urls import reverse

from postroom.accounts.models import Invitation, Membership
from postroom.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(other_owner, member):
    return member(Role.EDITOR, workspace=other_owner.workspace)


def test_changing_a_foreign_members_role_is_refused(login, owner, victim):
    response = login(owner.user).post(
        reverse("member_change_role", args=[victim.pk]), {"role": "viewer"}
    )

    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.role == Role.EDITOR


def test_removing_a_foreign_member_is_refused(login, owner, victim):
    response = login(owner.user).post(reverse("member_remove", args=[victim.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=victim.pk).exists()


def test_withdrawing_a_foreign_invitation_is_refused(login, owner, other_owner):
    invitation = Invitation.objects.create(
        workspace=other_owner.workspace, email="x@example.com", role="viewer"
    )

    response = login(owner.user).post(reverse("invitation_revoke", args=[invitation.pk]))

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_open


def test_the_api_refuses_a_foreign_workspace_header(api, owner, other_owner):
    response = api(owner.user, workspace=other_owner.workspace).get("/api/v1/members/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_the_api_does_not_list_foreign_members(api, owner, victim):
    emails = [m["email"] for m in api(owner.user).get("/api/v1/members/").json()["results"]]

    assert emails == [owner.user.email]


def test_the_api_refuses_changing_a_foreign_member(api, owner, victim):
    client = api(owner.user)

    assert (
        client.patch(f"/api/v1/members/{victim.pk}/", {"role": "viewer"}, format="json").status_code
        == 404
    )
    assert client.delete(f"/api/v1/members/{victim.pk}/").status_code == 404
    victim.refresh_from_db()
    assert victim.role == Role.EDITOR


def test_the_api_refuses_renaming_a_foreign_workspace(api, owner, other_owner):
    response = api(owner.user).patch(
        f"/api/v1/workspaces/{other_owner.workspace_id}/", {"name": "pwned"}, format="json"
    )

    assert response.status_code == 404
    other_owner.workspace.refresh_from_db()
    assert other_owner.workspace.name == "Other Co"


def test_the_api_refuses_revoking_a_foreign_invitation(api, owner, other_owner):
    invitation = Invitation.objects.create(
        workspace=other_owner.workspace, email="x@example.com", role="viewer"
    )

    assert api(owner.user).delete(f"/api/v1/invitations/{invitation.pk}/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_open


def test_a_user_cannot_change_another_users_profile(api, owner, other_owner):
    api(owner.user).patch(
        "/api/v1/me/", {"id": other_owner.user.pk, "first_name": "Changed"}, format="json"
    )

    other_owner.user.refresh_from_db()
    assert other_owner.user.first_name != "Changed"


def test_the_api_hides_a_foreign_member_and_workspace_by_id(api, owner, victim, other_owner):
    client = api(owner.user)

    assert client.get(f"/api/v1/members/{victim.pk}/").status_code == 404
    assert client.get(f"/api/v1/workspaces/{other_owner.workspace_id}/").status_code == 404


def test_a_viewer_cannot_remove_members_through_the_api_or_the_web(api, login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    assert (
        api(viewer.user, workspace=owner.workspace)
        .delete(f"/api/v1/members/{owner.pk}/")
        .status_code
        == 403
    )
    assert login(viewer.user).post(reverse("member_remove", args=[owner.pk])).status_code == 403
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_an_admin_cannot_remove_or_demote_another_admin_into_owner(login, owner, member):
    admin = member(Role.ADMIN, workspace=owner.workspace)
    other_admin = member(Role.ADMIN, workspace=owner.workspace)
    client = login(admin.user)

    client.post(reverse("member_change_role", args=[other_admin.pk]), {"role": "owner"})

    other_admin.refresh_from_db()
    assert other_admin.role == Role.ADMIN
