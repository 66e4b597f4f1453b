import factory

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.audience.tests.factories import SubscriberFactory
from postroom.push.models import Creative, Device, DeviceKind
from postroom.push.services.devices import token_hash


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    workspace = factory.SubFactory(WorkspaceFactory)
    subscriber = factory.SubFactory(
        SubscriberFactory, workspace=factory.SelfAttribute("..workspace")
    )
    kind = DeviceKind.FCM
    token = factory.Sequence(lambda n: f"fcm-token-{n}")
    token_hash = factory.LazyAttribute(lambda d: token_hash(d.token))
    platform = "android"


class CreativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creative

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Creative {n}")
    title = "Hello {{ subscriber.first_name }}"
    body = "Your order has shipped."
    click_url = "https://shop.example.com/orders"
