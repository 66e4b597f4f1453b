import factory

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.audience.models import CustomField, MailingList, Segment, Subscriber


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"subscriber{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")


class MailingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailingList

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"List {n}")


class CustomFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomField

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"field{n}")
    label = factory.LazyAttribute(lambda o: o.name.title())
    type = "text"


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")
    definition = factory.LazyFunction(lambda: {"match": "all", "conditions": []})
