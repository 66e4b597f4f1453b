"""Leads the conversion snippet reports from the customer's own site, recorded and attributed."""

from typing import Any

from django.dispatch import receiver
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.crm.models import Lead
from postroom.crm.services.leads import lead_create
from postroom.delivery.models import Delivery
from postroom.tracking.signals import ReportedLead, lead_reported


@receiver(lead_reported, dispatch_uid="postroom.crm.snippet_leads")
def lead_from_snippet(sender: Any, lead: ReportedLead, **kwargs: Any) -> None:
    """Record the lead in the clicked campaign's workspace, once per delivery and address."""
    workspace_id = (
        Delivery.objects.filter(pk=lead.delivery_id)
        .values_list("run__campaign__workspace_id", flat=True)
        .first()
    )
    workspace = Workspace.objects.filter(pk=workspace_id).first() if workspace_id else None
    if workspace is None:
        return
    known = Lead.objects.filter(workspace=workspace, delivery_id=lead.delivery_id)
    if lead.email and known.filter(email=lead.email).exists():
        return
    if not lead.email and known.filter(phone=lead.phone).exists():
        return
    lead_create(
        workspace=workspace,
        name=lead.name,
        email=lead.email,
        phone=lead.phone,
        company=lead.company,
        visitor=lead.visitor,
        notes=_("Reported by the conversion snippet on %(url)s") % {"url": lead.url or "?"},
    )
