"""The invitation mail is plain text: the workspace name shows as written, not HTML-escaped."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_invitation_shows_the_workspace_name_as_written(
    login, owner, django_capture_on_commit_callbacks
):
    owner.workspace.name = "alice's <b>workspace</b> & co"
    owner.workspace.save()

    with django_capture_on_commit_callbacks(execute=True):
        login(owner.user).post(
            reverse("member_list"), {"email": "colleague@example.com", "role": "viewer"}
        )

    sent = mail.outbox[0]
    assert "“alice's <b>workspace</b> & co”" in sent.subject
    assert "“alice's <b>workspace</b> & co”" in sent.body
    assert "&#x27;" not in f"{sent.subject} {sent.body}" and "&amp;" not in sent.body
