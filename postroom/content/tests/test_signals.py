"""Content tells the apps above it what changed, by signal, with the ids and the acting user."""

import pytest

from postroom.content import services
from postroom.content.models import ContentBlock, Layout, Message
from postroom.content.signals import content_changed, message_changed
from postroom.content.tests.factories import ContentBlockFactory, LayoutFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def listen(sender, **kwargs):
        calls.append((sender, kwargs.get("message_id"), kwargs.get("workspace_id"), kwargs["user"]))

    message_changed.connect(listen, dispatch_uid="test-listen-message")
    content_changed.connect(listen, dispatch_uid="test-listen-content")
    yield calls
    message_changed.disconnect(dispatch_uid="test-listen-message")
    content_changed.disconnect(dispatch_uid="test-listen-content")


def test_it_says_which_message_changed_and_who_changed_it(owner, heard):
    message = MessageFactory(workspace=owner.workspace)

    services.message_save(
        workspace=owner.workspace, message=message, user=owner.user, subject="Changed"
    )

    assert heard == [(Message, message.pk, None, owner.user)]


def test_it_says_nothing_of_a_new_message(owner, heard):
    services.message_save(
        workspace=owner.workspace, name="New", subject="Hi", from_email="a@example.com", body="x"
    )

    assert heard == []


def test_it_says_which_workspace_a_layout_or_block_changed_in(owner, heard):
    ws = owner.workspace
    layout, block = LayoutFactory(workspace=ws), ContentBlockFactory(workspace=ws)

    services.layout_save(workspace=ws, layout=layout, name="Renamed")
    services.block_save(workspace=ws, block=block, name="Renamed")
    services.library_item_delete(item=block)

    assert heard == [
        (Layout, None, ws.pk, None),
        (ContentBlock, None, ws.pk, None),
        (ContentBlock, None, ws.pk, None),
    ]
