"""Data for the schemathesis run: an owner with an API token and one of everything.

Ids in generated requests are mostly unknown (404); seeded rows give the
existing-object paths (links, issues, subscriptions) something to answer with.
"""

from django.utils import timezone
from rest_framework.authtoken.models import Token

from postroom.accounts.models import Membership, Workspace
from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import UserFactory
from postroom.audience.models import Subscriber, Suppression
from postroom.audience.tests.factories import CustomFieldFactory, SegmentFactory
from postroom.campaigns.models import CampaignRun
from postroom.campaigns.tests.factories import CampaignFactory
from postroom.content.tests.factories import ContentBlockFactory, LayoutFactory, MessageFactory
from postroom.delivery.sending.launch import run_launch
from postroom.delivery.tests.factories import audience
from postroom.push.services.keys import registration_key_create
from postroom.push.services.providers import provider_save
from postroom.push.tests.factories import CreativeFactory, DeviceFactory


def seed() -> str:
    """Create the data; the owner's API token."""
    user = UserFactory(email="schema-owner@example.com")
    workspace = Workspace.objects.create(name="Schema check")
    Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
    mailing_list, _ = audience(workspace, 3)
    CustomFieldFactory(workspace=workspace)
    SegmentFactory(workspace=workspace)
    Suppression.objects.create(workspace=workspace, email="gone@example.com", reason="manual")
    LayoutFactory(workspace=workspace)
    ContentBlockFactory(workspace=workspace)
    campaign = CampaignFactory(workspace=workspace, message=MessageFactory(workspace=workspace))
    campaign.lists.add(mailing_list)
    run = CampaignRun.objects.create(campaign=campaign, scheduled_for=timezone.now())
    run_launch(run.pk)
    DeviceFactory(
        workspace=workspace, subscriber=Subscriber.objects.filter(workspace=workspace).first()
    )
    CreativeFactory(workspace=workspace)
    provider_save(workspace=workspace, provider=None, kind="webpush", secret=None, fields={})
    registration_key_create(workspace=workspace, name="schema check")
    # A transactional template, for POST /tx/ to get past the template check.
    from postroom.transactional.tests.factories import TxTemplateFactory

    TxTemplateFactory(workspace=workspace, required_variables=[])
    return Token.objects.create(user=user).key
