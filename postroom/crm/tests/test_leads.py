"""Leads: duplicates flagged by email or phone, merged on request, attributed from a tracked click."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from postroom.crm.models import Channel, LeadEventKind, LeadStatus
from postroom.crm.services.leads import lead_create, lead_merge, lead_note_add, lead_update
from postroom.crm.services.sales import contract_create
from postroom.crm.tests.factories import AdCampaignFactory
from postroom.delivery.models import Delivery
from postroom.delivery.tests.factories import launched_run
from postroom.tracking.tokens import VISITOR, token_make

pytestmark = pytest.mark.django_db


def test_a_lead_with_the_same_email_or_phone_is_flagged(owner):
    ws = owner.workspace
    first = lead_create(workspace=ws, name="Ann", email="Ann@Example.com", phone="+7 900 123-45-67")
    by_email = lead_create(workspace=ws, name="A", email="ann@example.com")
    by_phone = lead_create(workspace=ws, name="B", phone="79001234567")
    other = lead_create(workspace=ws, name="C", email="c@example.com", phone="123")

    assert by_email.duplicate_of == first
    assert by_phone.duplicate_of == first
    assert other.duplicate_of is None
    assert first.duplicate_of is None
    assert by_email.events.filter(kind=LeadEventKind.DUPLICATE).exists()


def test_leads_of_another_workspace_are_not_duplicates(owner, other_owner):
    lead_create(workspace=other_owner.workspace, name="Ann", email="ann@example.com")

    mine = lead_create(workspace=owner.workspace, name="Ann", email="ann@example.com")

    assert mine.duplicate_of is None


def test_merging_keeps_one_lead_with_both_timelines(owner):
    ws = owner.workspace
    keep = lead_create(workspace=ws, name="Ann", email="ann@example.com")
    twin = lead_create(workspace=ws, name="Ann", email="ann@example.com", phone="555", company="Co")
    lead_note_add(lead=twin, user=owner.user, text="Called her")

    merged = lead_merge(keep=keep, other=twin, user=owner.user)

    assert merged.phone == "555" and merged.company == "Co"
    assert merged.duplicate_of is None
    assert list(merged.events.values_list("kind", flat=True)) == [
        "created",
        "created",
        "duplicate",
        "note",
        "merged",
    ]
    assert not type(twin).objects.filter(pk=twin.pk).exists()


def test_a_lead_cannot_be_merged_with_itself_or_another_workspace(owner, other_owner):
    mine = lead_create(workspace=owner.workspace, name="Ann")
    theirs = lead_create(workspace=other_owner.workspace, name="Ann")

    with pytest.raises(ValidationError):
        lead_merge(keep=mine, other=mine, user=None)
    with pytest.raises(ValidationError):
        lead_merge(keep=mine, other=theirs, user=None)


def test_a_lead_is_converted_only_by_a_contract(owner):
    lead = lead_create(workspace=owner.workspace, name="Ann")
    fields = {
        "name": "Ann",
        "email": "",
        "phone": "",
        "company": "",
        "ad_campaign": None,
        "owner": None,
        "notes": "",
    }

    with pytest.raises(ValidationError):
        lead_update(lead=lead, user=None, status=LeadStatus.CONVERTED, **fields)
    qualified = lead_update(lead=lead, user=None, status=LeadStatus.QUALIFIED, **fields)

    assert qualified.events.filter(kind=LeadEventKind.STATUS).count() == 1


def test_a_foreign_campaign_or_owner_is_refused(owner, other_owner):
    theirs = AdCampaignFactory(workspace=other_owner.workspace)

    with pytest.raises(ValidationError):
        lead_create(workspace=owner.workspace, name="Ann", ad_campaign=theirs)
    with pytest.raises(ValidationError):
        lead_create(workspace=owner.workspace, name="Ann", owner=other_owner.user)


def test_a_tracked_click_links_the_lead_and_its_contract_to_the_email_campaign(owner):
    # given an email campaign sent to one subscriber, and its advertising campaign
    ws = owner.workspace
    campaign, run, subscribers = launched_run(ws, 1)
    delivery = Delivery.objects.get(run=run)
    ad = AdCampaignFactory(workspace=ws, channel=Channel.EMAIL, email_campaign=campaign)
    visitor = token_make(VISITOR, delivery.pk)

    # when the clicked-through visitor leaves their details, and signs
    lead = lead_create(workspace=ws, name="Pat", email="pat@example.com", visitor=visitor)
    contract = contract_create(
        workspace=ws,
        lead=lead,
        name="Deal",
        service=ad.service,
        amount=Decimal("10.00"),
        starts_on=dt.date(2026, 1, 1),
    )

    # then
    assert lead.email_campaign == campaign
    assert lead.subscriber == subscribers[0]
    assert lead.ad_campaign == ad
    assert contract.ad_campaign == ad
    assert contract.customer.subscriber == subscribers[0]


def test_a_forged_or_foreign_visitor_token_attributes_nothing(owner, other_owner):
    _campaign, run, _subscribers = launched_run(other_owner.workspace, 1)
    theirs = token_make(VISITOR, Delivery.objects.get(run=run).pk)

    foreign = lead_create(workspace=owner.workspace, name="A", visitor=theirs)
    forged = lead_create(workspace=owner.workspace, name="B", visitor=theirs[:-2] + "xx")

    assert foreign.email_campaign is None and foreign.subscriber is None
    assert forged.email_campaign is None
