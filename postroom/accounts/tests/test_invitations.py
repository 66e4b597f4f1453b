import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from postroom.accounts.invitations import invitation_token_make
from postroom.accounts.models import Invitation, Membership
from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(
    client, django_capture_on_commit_callbacks, email="colleague@example.com", role="viewer"
):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("member_list"), {"email": email, "role": role})


def _link_path(message):
    match = re.search(r"http://testserver(/invite/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_it_mails_a_signed_link_to_the_invited_address(
    login, owner, django_capture_on_commit_callbacks
):
    response = _invite(login(owner.user), django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["colleague@example.com"]
    assert owner.workspace.name in mail.outbox[0].subject
    invitation = Invitation.objects.get()
    assert invitation.role == Role.VIEWER


def test_the_invited_person_joins_with_the_given_role(
    client, login, owner, django_capture_on_commit_callbacks
):
    _invite(login(owner.user), django_capture_on_commit_callbacks)
    path = _link_path(mail.outbox[0])
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    assert client.get(path).status_code == 200
    response = client.post(path)

    assert response.status_code == 302
    membership = Membership.objects.get(user=colleague, workspace=owner.workspace)
    assert membership.role == Role.VIEWER
    colleague.refresh_from_db()
    assert colleague.default_workspace == owner.workspace
    assert client.post(path).status_code == 404  # used once


def test_someone_else_cannot_accept_it(client, owner, django_capture_on_commit_callbacks, login):
    _invite(login(owner.user), django_capture_on_commit_callbacks)
    path = _link_path(mail.outbox[0])
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)

    response = client.post(path)

    assert response.status_code == 200
    assert not Membership.objects.filter(user=intruder, workspace=owner.workspace).exists()


def test_a_tampered_token_is_refused(client, owner):
    invitation = Invitation.objects.create(
        workspace=owner.workspace, email="x@example.com", role="admin"
    )
    token = invitation_token_make(invitation=invitation)

    assert client.get(reverse("invitation_accept", args=[token[:-2] + "xx"])).status_code == 404


def test_an_expired_invitation_is_refused(client, owner):
    invitation = Invitation.objects.create(
        workspace=owner.workspace, email="x@example.com", role="viewer"
    )
    token = invitation_token_make(invitation=invitation)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert client.get(reverse("invitation_accept", args=[token])).status_code == 404


def test_a_withdrawn_invitation_is_refused(client, login, owner):
    invitation = Invitation.objects.create(
        workspace=owner.workspace, email="x@example.com", role="viewer"
    )
    token = invitation_token_make(invitation=invitation)

    login(owner.user).post(reverse("invitation_revoke", args=[invitation.pk]))

    assert client.get(reverse("invitation_accept", args=[token])).status_code == 404


def test_a_viewer_cannot_invite(login, member, django_capture_on_commit_callbacks):
    viewer = member(Role.VIEWER)

    response = _invite(login(viewer.user), django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_an_admin_cannot_invite_an_owner(login, member, django_capture_on_commit_callbacks):
    admin = member(Role.ADMIN)

    _invite(login(admin.user), django_capture_on_commit_callbacks, role="owner")

    assert not Invitation.objects.exists()


def test_an_anonymous_visitor_is_offered_signup_and_login(client, owner):
    invitation = Invitation.objects.create(
        workspace=owner.workspace, email="x@example.com", role="viewer"
    )
    response = client.get(
        reverse("invitation_accept", args=[invitation_token_make(invitation=invitation)])
    )

    assert response.status_code == 200
    assert reverse("account_signup").encode() in response.content


def test_accepting_as_an_existing_member_applies_the_invited_role(client, owner, member):
    viewer = member(Role.VIEWER, workspace=owner.workspace)
    invitation = Invitation.objects.create(
        workspace=owner.workspace, email=viewer.user.email, role=Role.EDITOR
    )
    client.force_login(viewer.user)

    client.post(reverse("invitation_accept", args=[invitation_token_make(invitation=invitation)]))

    viewer.refresh_from_db()
    assert viewer.role == Role.EDITOR


def test_invitations_are_rate_limited_per_workspace(
    login, owner, django_capture_on_commit_callbacks, monkeypatch
):
    from postroom.accounts import services

    monkeypatch.setattr(services, "INVITATIONS_PER_HOUR", 2)
    client = login(owner.user)
    for i in range(3):
        _invite(client, django_capture_on_commit_callbacks, email=f"p{i}@example.com")

    assert Invitation.objects.count() == 2
