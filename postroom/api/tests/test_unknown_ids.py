"""Ids in request bodies: another workspace's id and one that does not exist answer alike.

Otherwise the difference tells a caller which ids exist in other workspaces.
"""

import pytest

from postroom.audience.tests.factories import MailingListFactory, SegmentFactory, SubscriberFactory
from postroom.content.tests.factories import LayoutFactory, MessageFactory

pytestmark = pytest.mark.django_db
MISSING = 987654


def _campaign(owner, **ids):
    body = {"name": "June", "start_at": "2030-06-01T09:00:00Z"}
    if "message" not in ids:
        body["message"] = MessageFactory(workspace=owner.workspace).pk
    return "/api/v1/campaigns/", {**body, **ids}


CASES = {
    "campaign message": lambda owner, other: _campaign(owner, message=other("message")),
    "campaign lists": lambda owner, other: _campaign(owner, lists=[other("list")]),
    "campaign exclude_lists": lambda owner, other: _campaign(owner, exclude_lists=[other("list")]),
    "campaign segment": lambda owner, other: _campaign(owner, segment=other("segment")),
    "campaign exclude_segment": lambda owner, other: _campaign(
        owner, exclude_segment=other("segment")
    ),
    "message layout": lambda owner, other: (
        "/api/v1/messages/",
        {"name": "x", "subject": "s", "from_email": "a@example.com", "body": "<p>x</p>"}
        | {"layout": other("layout")},
    ),
    "subscriber lists": lambda owner, other: (
        "/api/v1/subscribers/",
        {"email": "new@example.com", "lists": [other("list")]},
    ),
    "list subscription": lambda owner, other: (
        f"/api/v1/lists/{MailingListFactory(workspace=owner.workspace).pk}/subscriptions/",
        {"subscriber": other("subscriber"), "status": "subscribed"},
    ),
    "test send subscriber": lambda owner, other: (
        f"/api/v1/messages/{MessageFactory(workspace=owner.workspace).pk}/test-send/",
        {"to": ["qa@example.com"], "subscriber": other("subscriber")},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_it_answers_another_workspaces_id_as_a_missing_one(case, api, owner, other_owner):
    theirs = other_owner.workspace
    made = {
        "message": lambda: MessageFactory(workspace=theirs).pk,
        "list": lambda: MailingListFactory(workspace=theirs).pk,
        "segment": lambda: SegmentFactory(workspace=theirs).pk,
        "layout": lambda: LayoutFactory(workspace=theirs).pk,
        "subscriber": lambda: SubscriberFactory(workspace=theirs).pk,
    }
    client = api(owner.user)

    url, foreign = CASES[case](owner, lambda kind: made[kind]())
    # the same endpoint (a second one of ours where the case makes one), only the id differs
    _url, missing = CASES[case](owner, lambda kind: MISSING)
    answers = []
    for body in (foreign, missing):
        response = client.post(url, body, format="json")
        text = response.content.decode().replace(str(MISSING), "ID")
        for value in foreign.values():
            for one in value if isinstance(value, list) else [value]:
                text = text.replace(str(one), "ID")
        answers.append((response.status_code, text))

    assert answers[0] == answers[1]
    assert answers[0][0] in (400, 404)
    assert "does not exist" not in answers[0][1] and "Unknown" not in answers[0][1]
