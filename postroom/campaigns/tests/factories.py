import datetime as dt

import factory

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.campaigns.models import Campaign
from postroom.content.tests.factories import MessageFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    message = factory.SubFactory(MessageFactory, workspace=factory.SelfAttribute("..workspace"))
    start_at = factory.LazyFunction(lambda: dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
