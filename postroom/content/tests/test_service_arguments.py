"""Content's write services name the fields they set; PATCH-like calls change only those given."""

import inspect

import pytest

from postroom.content import services
from postroom.content.forms import BlockForm, LayoutForm, MessageForm
from postroom.content.serializers import (
    ContentBlockSerializer,
    LayoutSerializer,
    MessageSerializer,
)
from postroom.content.tests.factories import ContentBlockFactory, LayoutFactory, MessageFactory

pytestmark = pytest.mark.django_db


def _writable(serializer_class):
    return {n for n, f in serializer_class().fields.items() if not f.read_only}


@pytest.mark.parametrize(
    "service,form,serializer",
    [
        (services.message_save, MessageForm, MessageSerializer),
        (services.layout_save, LayoutForm, LayoutSerializer),
        (services.block_save, BlockForm, ContentBlockSerializer),
    ],
)
def test_it_takes_every_field_its_form_and_serializer_write(service, form, serializer):
    parameters = set(inspect.signature(service).parameters)

    assert set(form._meta.fields) <= parameters
    assert _writable(serializer) <= parameters


def test_it_changes_only_the_message_fields_given(owner):
    message = MessageFactory(
        workspace=owner.workspace, preheader="Before", reply_to="r@example.com"
    )

    services.message_save(workspace=owner.workspace, message=message, subject="New subject")

    message.refresh_from_db()
    assert (message.subject, message.preheader, message.reply_to) == (
        "New subject",
        "Before",
        "r@example.com",
    )


def test_it_takes_a_layout_away_when_given_none(owner):
    layout = LayoutFactory(workspace=owner.workspace)
    message = MessageFactory(workspace=owner.workspace, layout=layout)

    services.message_save(workspace=owner.workspace, message=message, layout=None)

    message.refresh_from_db()
    assert message.layout is None


def test_it_changes_only_the_layout_and_block_fields_given(owner):
    layout = LayoutFactory(workspace=owner.workspace, name="Frame")
    block = ContentBlockFactory(workspace=owner.workspace, key="footer", name="Footer")

    services.layout_save(workspace=owner.workspace, layout=layout, html="<div>{{ content }}</div>")
    services.block_save(workspace=owner.workspace, block=block, html="<p>Bye</p>")

    layout.refresh_from_db()
    block.refresh_from_db()
    assert (layout.name, layout.html) == ("Frame", "<div>{{ content }}</div>")
    assert (block.key, block.name, block.html) == ("footer", "Footer", "<p>Bye</p>")
