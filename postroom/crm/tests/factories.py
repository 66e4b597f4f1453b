import datetime as dt
from decimal import Decimal

import factory

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.crm.models import AdCampaign, Channel, Service


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    price = Decimal("100.00")


class AdCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdCampaign

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Ad campaign {n}")
    service = factory.SubFactory(ServiceFactory, workspace=factory.SelfAttribute("..workspace"))
    channel = Channel.SEARCH
    budget = Decimal("1000.00")
    starts_on = dt.date(2026, 1, 1)
