"""Every tx endpoint answers within the caller's workspace only."""

import pytest

from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.transactional.tests.factories import TxTemplateFactory, send_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(api, other_owner):
    template = TxTemplateFactory(workspace=other_owner.workspace)
    response = api(other_owner.user).post("/api/v1/tx/", send_body(template), format="json")
    return template, response.json()["messages"][0]["id"]


def test_another_workspaces_message_is_not_found(api, owner, theirs):
    _template, message_id = theirs

    assert api(owner.user).get(f"/api/v1/tx/{message_id}/").status_code == 404
    assert api(owner.user).get("/api/v1/tx/").json()["results"] == []


def test_another_workspaces_template_cannot_be_sent(api, owner, theirs):
    template, _message_id = theirs

    response = api(owner.user).post("/api/v1/tx/", send_body(template), format="json")

    assert response.status_code == 400 and "template" in response.json()["error"]["fields"]


def test_a_workspace_the_caller_is_not_a_member_of_is_refused(api, owner, theirs, other_owner):
    _template, message_id = theirs
    client = api(owner.user, workspace=other_owner.workspace)

    assert client.get(f"/api/v1/tx/{message_id}/").status_code == 403
    assert client.get("/api/v1/tx/").status_code == 403
    assert client.post("/api/v1/tx/", send_body(theirs[0]), format="json").status_code == 403


def test_a_viewer_may_read_but_not_send(api, member, owner):
    template = TxTemplateFactory(workspace=owner.workspace)
    viewer = member(Role.VIEWER, workspace=owner.workspace)

    assert (
        api(viewer.user).post("/api/v1/tx/", send_body(template), format="json").status_code == 403
    )
    assert api(viewer.user).get("/api/v1/tx/").status_code == 200


def test_an_unknown_id_is_a_404_not_a_500(api, owner):
    WorkspaceFactory()

    assert api(owner.user).get("/api/v1/tx/tx_" + "0" * 32 + "/").status_code == 404
    assert api(owner.user).get("/api/v1/tx/12/").status_code == 404
