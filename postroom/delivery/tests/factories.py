import factory

from postroom.accounts.tests.factories import WorkspaceFactory
from postroom.audience.models import Subscription, SubscriptionStatus
from postroom.audience.tests.factories import MailingListFactory, SubscriberFactory
from postroom.campaigns.models import Campaign, CampaignRun, CampaignStatus
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.delivery.crypto import secret_encrypt
from postroom.delivery.models import SmtpRelay, TlsMode
from postroom.delivery.sending.launch import run_launch


class SmtpRelayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmtpRelay

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Relay {n}")
    host = "127.0.0.1"
    port = 25
    tls = TlsMode.NONE
    max_connections = 2


def relay_for(server, workspace, **fields) -> SmtpRelay:
    password = fields.pop("password", "")
    relay = SmtpRelayFactory(workspace=workspace, port=server.port, **fields)
    if password:
        relay.password_encrypted = secret_encrypt(password)
        relay.save()
    return relay


def audience(workspace, count: int, *, prefix: str = "person"):
    """A list with `count` subscribed people at example.com (and their subscriber rows)."""
    mailing_list = MailingListFactory(workspace=workspace)
    subscribers = [
        SubscriberFactory(
            workspace=workspace, email=f"{prefix}{i}@example.com", full_name=f"Pat {i}"
        )
        for i in range(count)
    ]
    Subscription.objects.bulk_create(
        [
            Subscription(
                workspace=workspace,
                subscriber=s,
                mailing_list=mailing_list,
                status=SubscriptionStatus.SUBSCRIBED,
            )
            for s in subscribers
        ]
    )
    return mailing_list, subscribers


def launched_run(workspace, count: int, **campaign_fields) -> tuple[Campaign, CampaignRun, list]:
    """A running campaign to `count` people with its run launched (deliveries queued)."""
    mailing_list, subscribers = audience(workspace, count)
    campaign = CampaignFactory(
        workspace=workspace, status=CampaignStatus.RUNNING, **campaign_fields
    )
    campaign.lists.add(mailing_list)
    from django.utils import timezone

    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
    run_launch(run.pk)
    run.refresh_from_db()
    return campaign, run, subscribers
