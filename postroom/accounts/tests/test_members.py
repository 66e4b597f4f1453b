import pytest
from django.urls import reverse

from postroom.accounts.models import Membership
from postroom.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_an_owner_changes_a_members_role(login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    login(owner.user).post(reverse("member_change_role", args=[viewer.pk]), {"role": "editor"})

    viewer.refresh_from_db()
    assert viewer.role == Role.EDITOR


def test_a_viewer_cannot_change_roles(login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    response = login(viewer.user).post(
        reverse("member_change_role", args=[owner.pk]), {"role": "viewer"}
    )

    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_an_admin_cannot_demote_an_owner(login, owner, member):
    admin = member(Role.ADMIN, workspace=owner.workspace)

    response = login(admin.user).post(
        reverse("member_change_role", args=[owner.pk]), {"role": "viewer"}
    )

    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_the_last_owner_cannot_leave_or_be_demoted(login, owner):
    client = login(owner.user)

    client.post(reverse("member_change_role", args=[owner.pk]), {"role": "viewer"})
    client.post(reverse("member_remove", args=[owner.pk]))

    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_an_owner_removes_a_member(login, owner, member):
    editor = member(Role.EDITOR, workspace=owner.workspace)

    login(owner.user).post(reverse("member_remove", args=[editor.pk]))

    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_a_member_may_leave(login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    login(viewer.user).post(reverse("member_remove", args=[viewer.pk]))

    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_a_viewer_sees_the_workspace_but_cannot_change_it(login, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    viewer.user.default_workspace = owner.workspace
    viewer.user.save()
    client = login(viewer.user)

    assert client.get(reverse("dashboard")).status_code == 200
    members_page = client.get(reverse("member_list"))
    assert owner.user.email.encode() in members_page.content
    assert b"invite-form" not in members_page.content
    assert client.get(reverse("workspace_settings")).status_code == 403
    assert client.post(reverse("workspace_settings"), {"name": "Mine now"}).status_code == 403
    owner.workspace.refresh_from_db()
    assert owner.workspace.name != "Mine now"


def test_the_member_list_takes_constant_queries(
    login, owner, member, django_assert_max_num_queries
):
    for _ in range(10):
        member(Role.VIEWER, workspace=owner.workspace)
    client = login(owner.user)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("member_list"))

    assert response.content.count(b"data-email=") == 11
