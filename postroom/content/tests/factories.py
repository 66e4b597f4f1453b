import factory

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.content.models import ContentBlock, Layout, Message


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Message {n}")
    subject = "Hello {{ subscriber.first_name }}"
    from_email = "news@example.com"
    body = "<p>Hi {{ subscriber.full_name }}</p>"


class LayoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Layout

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Layout {n}")
    html = "<html><body><div class='frame'>{{ content }}</div></body></html>"


class ContentBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentBlock

    workspace = factory.SubFactory(WorkspaceFactory)
    key = factory.Sequence(lambda n: f"block{n}")
    name = factory.Sequence(lambda n: f"Block {n}")
    html = "<p>Block</p>"
