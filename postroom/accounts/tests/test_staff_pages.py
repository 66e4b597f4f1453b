import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from postroom.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_staff_groups_exist_with_their_permissions():
    manager = Group.objects.get(name="Manager")
    content = Group.objects.get(name="Content manager")

    assert {"view_all_users", "block_user"} <= set(
        manager.permissions.values_list("codename", flat=True)
    )
    assert {"add_post", "change_post", "delete_post", "view_post"} == set(
        content.permissions.values_list("codename", flat=True)
    )


def test_it_lists_every_user_with_workspaces_in_constant_queries(
    client, django_assert_max_num_queries
):
    manager = UserFactory()
    manager.groups.add(Group.objects.get(name="Manager"))
    for _ in range(15):
        MembershipFactory()
    client.force_login(manager)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("staff_user_list"))

    assert response.status_code == 200
    assert response.content.count(b"data-email=") == 16
    assert b"Workspace" in response.content


def test_it_filters_users_by_search(client):
    manager = UserFactory()
    manager.groups.add(Group.objects.get(name="Manager"))
    MembershipFactory(user__email="findme@example.com")
    MembershipFactory(user__email="other@example.com")
    client.force_login(manager)

    response = client.get(reverse("staff_user_list"), {"q": "findme"})

    assert b"findme@example.com" in response.content
    assert b"other@example.com" not in response.content


def test_it_hides_the_user_list_from_workspace_owners(client, owner):
    client.force_login(owner.user)
    assert client.get(reverse("staff_user_list")).status_code == 403


def test_a_content_manager_runs_the_blog_in_the_admin_without_staff_status(client):
    writer = UserFactory(is_staff=False)
    writer.groups.add(Group.objects.get(name="Content manager"))
    client.force_login(writer)

    assert client.get(reverse("admin:blog_post_changelist")).status_code == 200
    assert client.get(reverse("admin:blog_post_add")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_a_plain_user_cannot_open_the_admin(client, owner):
    client.force_login(owner.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_admin_login_sends_everybody_to_the_one_login_page(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
