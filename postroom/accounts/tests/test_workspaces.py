import pytest
from django.urls import reverse

from postroom.accounts.models import Membership, Workspace
from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_switches_to_a_workspace_they_belong_to(login, owner, member):
    second = member(Role.VIEWER, user=owner.user)
    client = login(owner.user)

    client.post(reverse("workspace_switch"), {"workspace": second.workspace_id})

    response = client.get(reverse("dashboard"))
    assert response.context["current_workspace"] == second.workspace


def test_switching_to_a_foreign_workspace_is_refused(login, owner, other_owner):
    client = login(owner.user)

    client.post(reverse("workspace_switch"), {"workspace": other_owner.workspace_id})

    owner.user.refresh_from_db()
    assert owner.user.default_workspace == owner.workspace
    assert client.get(reverse("dashboard")).context["current_workspace"] == owner.workspace


def test_an_owner_renames_the_workspace(login, owner):
    login(owner.user).post(reverse("workspace_settings"), {"name": "Acme newsletters"})

    owner.workspace.refresh_from_db()
    assert owner.workspace.name == "Acme newsletters"


def test_a_user_creates_another_workspace_and_lands_in_it(login, owner):
    client = login(owner.user)

    client.post(reverse("workspace_create"), {"name": "Side project"})

    workspace = Workspace.objects.get(name="Side project")
    assert Membership.objects.get(workspace=workspace).role == Role.OWNER
    assert client.get(reverse("dashboard")).context["current_workspace"] == workspace


def test_a_user_without_workspace_is_asked_to_create_one(client):
    client.force_login(UserFactory())

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace_create")


def test_switching_in_one_session_does_not_move_another(owner, member):
    from django.test import Client

    second = member(Role.VIEWER, user=owner.user)
    laptop, phone = Client(), Client()
    laptop.force_login(owner.user)
    phone.force_login(owner.user)
    phone.get(reverse("dashboard"))

    laptop.post(reverse("workspace_switch"), {"workspace": second.workspace_id})

    assert laptop.get(reverse("dashboard")).context["current_workspace"] == second.workspace
    assert phone.get(reverse("dashboard")).context["current_workspace"] == owner.workspace
    owner.user.refresh_from_db()
    assert owner.user.default_workspace == owner.workspace
