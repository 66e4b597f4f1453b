import pytest
from django.urls import reverse

from postroom.accounts.models import User
from postroom.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(django_user_model):
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(Group.objects.get(name="Manager"))
    return User.objects.get(pk=user.pk)


def test_it_lets_a_manager_block_a_user_with_a_reason(client, manager, owner):
    client.force_login(manager)

    response = client.post(
        reverse("staff_user_block", args=[owner.user.pk]), {"reason": "Spam complaints"}
    )

    assert response.status_code == 302
    owner.user.refresh_from_db()
    assert owner.user.is_blocked and not owner.user.is_active
    assert owner.user.blocked_reason == "Spam complaints"
    assert owner.user.blocked_by == manager


def test_it_refuses_blocking_without_a_reason(client, manager, owner):
    client.force_login(manager)
    client.post(reverse("staff_user_block", args=[owner.user.pk]), {"reason": " "})
    owner.user.refresh_from_db()
    assert not owner.user.is_blocked


def test_a_blocked_user_cannot_log_in(client, manager, owner):
    client.force_login(manager)
    client.post(reverse("staff_user_block", args=[owner.user.pk]), {"reason": "abuse"})
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": owner.user.email, "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == reverse("account_inactive")


def test_a_blocked_users_session_ends(client, manager, owner, login):
    other = login(owner.user)
    assert other.get(reverse("dashboard")).status_code == 200

    from postroom.accounts.services import user_block

    user_block(user=owner.user, by=manager, reason="abuse")

    response = other.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_blocked_users_api_token_stops_working(api, manager, owner):
    from postroom.accounts.services import user_block

    client = api(owner.user)
    assert client.get("/api/v1/me/").status_code == 200

    user_block(user=owner.user, by=manager, reason="abuse")

    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert (
        client.post(
            "/api/v1/auth/token/", {"email": owner.user.email, "password": PASSWORD}, format="json"
        ).status_code
        == 400
    )


def test_unblocking_restores_access(client, manager, owner):
    client.force_login(manager)
    client.post(reverse("staff_user_block", args=[owner.user.pk]), {"reason": "abuse"})
    client.post(reverse("staff_user_unblock", args=[owner.user.pk]))
    client.logout()

    client.post(reverse("account_login"), {"login": owner.user.email, "password": PASSWORD})

    assert client.get(reverse("dashboard")).status_code == 200


def test_it_refuses_blocking_to_non_managers(client, owner, other_owner):
    client.force_login(owner.user)

    response = client.post(
        reverse("staff_user_block", args=[other_owner.user.pk]), {"reason": "mean"}
    )

    assert response.status_code == 403
    other_owner.user.refresh_from_db()
    assert not other_owner.user.is_blocked


def test_a_manager_cannot_lift_a_block_set_by_a_superuser(client, manager, owner):
    from postroom.accounts.services import user_block

    root = UserFactory(is_superuser=True, is_staff=True)
    user_block(user=owner.user, by=root, reason="fraud")
    client.force_login(manager)

    response = client.post(reverse("staff_user_unblock", args=[owner.user.pk]))

    assert response.status_code == 403
    owner.user.refresh_from_db()
    assert owner.user.is_blocked


def test_a_manager_cannot_block_another_manager(client, manager):
    from django.contrib.auth.models import Group

    colleague = UserFactory()
    colleague.groups.add(Group.objects.get(name="Manager"))
    client.force_login(manager)

    response = client.post(reverse("staff_user_block", args=[colleague.pk]), {"reason": "x"})

    assert response.status_code == 403
    colleague.refresh_from_db()
    assert not colleague.is_blocked
