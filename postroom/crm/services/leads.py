"""Leads: recording, editing, the timeline, duplicate flags, merges and email attribution."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership, User, Workspace
from postroom.crm.models import AdCampaign, Lead, LeadEvent, LeadEventKind, LeadStatus
from postroom.crm.rollups import rollup_add
from postroom.delivery.models import Delivery
from postroom.tracking.tokens import VISITOR, token_read

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@dataclass(frozen=True)
class Utm:
    source: str = ""
    medium: str = ""
    campaign: str = ""
    term: str = ""
    content: str = ""


def phone_key(phone: str) -> str:
    """Digits only: '+7 (900) 123-45-67' and '79001234567' are the same phone."""
    return re.sub(r"\D", "", phone)[:40]


def lead_event_add(*, lead: Lead, kind: str, text: str = "", user: User | None = None) -> LeadEvent:
    return LeadEvent.objects.create(lead=lead, at=timezone.now(), kind=kind, text=text, user=user)


def _check(workspace: Workspace, ad_campaign: AdCampaign | None, owner: User | None) -> None:
    if ad_campaign is not None and ad_campaign.workspace_id != workspace.pk:
        raise ValidationError({"ad_campaign": _("Unknown advertising campaign.")})
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationError({"owner": _("The owner must be a member of the workspace.")})


def _attribution(workspace: Workspace, visitor: str) -> tuple[int, int, int | None] | None:
    """(delivery, email campaign, subscriber) of a genuine visitor token of this workspace."""
    ids = token_read(VISITOR, visitor) if visitor else None
    if ids is None:
        return None
    row = (
        Delivery.objects.filter(pk=ids[0], run__campaign__workspace=workspace)
        .values_list("pk", "run__campaign_id", "subscriber_id")
        .first()
    )
    return (row[0], row[1], row[2]) if row else None


def lead_find_duplicate(*, lead: Lead) -> Lead | None:
    """The oldest other lead of the workspace with the same email or phone."""
    match = Q()
    if lead.email:
        match |= Q(email__iexact=lead.email)
    if lead.phone_key:
        match |= Q(phone_key=lead.phone_key)
    if not match:
        return None
    return (
        Lead.objects.filter(match, workspace_id=lead.workspace_id)
        .exclude(pk=lead.pk)
        .order_by("id")
        .first()
    )


@transaction.atomic
def lead_create(
    *,
    workspace: Workspace,
    name: str,
    email: str = "",
    phone: str = "",
    company: str = "",
    ad_campaign: AdCampaign | None = None,
    utm: Utm = Utm(),
    status: str = LeadStatus.NEW,
    owner: User | None = None,
    notes: str = "",
    visitor: str = "",
    consent_text: str = "",
    user: User | None = None,
) -> Lead:
    """Record a lead; a visitor token from a tracked email click links it to that campaign and subscriber.

    Flagged as a duplicate of the oldest lead with the same email or phone.
    """
    _check(workspace, ad_campaign, owner)
    if status == LeadStatus.CONVERTED:
        raise ValidationError({"status": _("A lead is converted by signing a contract.")})
    now = timezone.now()
    lead = Lead(
        workspace=workspace,
        name=name,
        email=email.strip().lower(),
        phone=phone.strip(),
        phone_key=phone_key(phone),
        company=company,
        ad_campaign=ad_campaign,
        utm_source=utm.source,
        utm_medium=utm.medium,
        utm_campaign=utm.campaign,
        utm_term=utm.term,
        utm_content=utm.content,
        status=status,
        owner=owner,
        notes=notes,
        day=now.date(),
        consent_text=consent_text,
        consent_at=now if consent_text else None,
    )
    attributed = _attribution(workspace, visitor)
    if attributed is not None:
        lead.delivery_id, lead.email_campaign_id, lead.subscriber_id = attributed
        if lead.ad_campaign is None:
            lead.ad_campaign = (
                AdCampaign.objects.filter(workspace=workspace, email_campaign_id=attributed[1])
                .order_by("id")
                .first()
            )
    lead.duplicate_of = lead_find_duplicate(lead=lead)
    lead.save()
    rollup_add(ad_campaign=lead.ad_campaign, day=lead.day, leads=1)
    lead_event_add(lead=lead, kind=LeadEventKind.CREATED, user=user)
    if lead.duplicate_of is not None:
        lead_event_add(
            lead=lead,
            kind=LeadEventKind.DUPLICATE,
            text=_("Same email or phone as lead #%(id)s") % {"id": lead.duplicate_of_id},
        )
    return lead


def _move(lead: Lead, new_campaign: AdCampaign | None, sign: int) -> None:
    rollup_add(ad_campaign=new_campaign, day=lead.day, leads=sign)
    if lead.converted_on is not None:
        rollup_add(ad_campaign=new_campaign, day=lead.converted_on, customers=sign)


@transaction.atomic
def lead_update(
    *,
    lead: Lead,
    user: User | None,
    name: str,
    email: str,
    phone: str,
    company: str,
    ad_campaign: AdCampaign | None,
    status: str,
    owner: User | None,
    notes: str,
    utm: Utm | None = None,
) -> Lead:
    """Change a lead; a status change and a new source are kept in the timeline and the rollups."""
    workspace = lead.workspace
    _check(workspace, ad_campaign, owner)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if status != lead.status and LeadStatus.CONVERTED in (status, lead.status):
        raise ValidationError({"status": _("A lead is converted by signing a contract.")})
    if lead.ad_campaign_id != (ad_campaign.pk if ad_campaign else None):
        _move(lead, lead.ad_campaign, -1)
        _move(lead, ad_campaign, 1)
    old_status = lead.status
    lead.name, lead.email, lead.phone = name, email.strip().lower(), phone.strip()
    lead.phone_key, lead.company, lead.ad_campaign = phone_key(phone), company, ad_campaign
    lead.status, lead.owner, lead.notes = status, owner, notes
    if utm is not None:
        lead.utm_source, lead.utm_medium, lead.utm_campaign = utm.source, utm.medium, utm.campaign
        lead.utm_term, lead.utm_content = utm.term, utm.content
    if lead.duplicate_of_id is None:
        lead.duplicate_of = lead_find_duplicate(lead=lead)
        if lead.duplicate_of is not None and lead.duplicate_of.pk > lead.pk:
            lead.duplicate_of = None  # only the newer of two is flagged
    lead.save()
    if old_status != status:
        lead_event_add(
            lead=lead,
            kind=LeadEventKind.STATUS,
            text=f"{LeadStatus(old_status).label} → {LeadStatus(status).label}",
            user=user,
        )
    else:
        lead_event_add(lead=lead, kind=LeadEventKind.CHANGED, user=user)
    return lead


@transaction.atomic
def lead_note_add(*, lead: Lead, user: User | None, text: str) -> LeadEvent:
    if not text.strip():
        raise ValidationError({"text": _("Write the note first.")})
    return lead_event_add(lead=lead, kind=LeadEventKind.NOTE, text=text.strip(), user=user)


@transaction.atomic
def lead_delete(*, lead: Lead) -> None:
    _move(lead, lead.ad_campaign, -1)
    lead.delete()


_MERGED_FIELDS = (
    "email",
    "phone",
    "company",
    "owner_id",
    "customer_id",
    "subscriber_id",
    "email_campaign_id",
    "delivery_id",
    "notes",
    *UTM_FIELDS,
)


@transaction.atomic
def lead_merge(*, keep: Lead, other: Lead, user: User | None) -> Lead:
    """Fold `other` into `keep`: blanks filled, timeline and contracts moved, `other` deleted.

    The rollups then count one lead (and at most one customer) where there were two.
    """
    if keep.pk == other.pk or keep.workspace_id != other.workspace_id:
        raise ValidationError(_("Choose another lead of this workspace to merge."))
    keep = Lead.objects.select_for_update().get(pk=keep.pk)
    other = Lead.objects.select_for_update().get(pk=other.pk)
    for name in _MERGED_FIELDS:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    if other.notes and keep.notes != other.notes and other.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n\n{other.notes}".strip()
    keep.phone_key = phone_key(keep.phone)
    rollup_add(ad_campaign=other.ad_campaign, day=other.day, leads=-1)
    if other.converted_on is not None:
        rollup_add(ad_campaign=other.ad_campaign, day=other.converted_on, customers=-1)
        if keep.converted_on is None:
            keep.converted_on, keep.status = other.converted_on, LeadStatus.CONVERTED
            rollup_add(ad_campaign=keep.ad_campaign, day=keep.converted_on, customers=1)
    other.events.update(lead=keep)
    other.contracts.update(lead=keep)
    Lead.objects.filter(duplicate_of=other).exclude(pk=keep.pk).update(duplicate_of=keep)
    if keep.duplicate_of_id == other.pk:
        keep.duplicate_of = None
    text = _("Lead #%(id)s (%(name)s) merged into this one") % {"id": other.pk, "name": other.name}
    other.delete()
    keep.save()
    lead_event_add(lead=keep, kind=LeadEventKind.MERGED, text=text, user=user)
    return keep
