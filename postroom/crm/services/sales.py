"""Customers and contracts: a lead becomes a customer when its first contract is signed.

Contract documents are PDFs kept under PRIVATE_FILES_ROOT (never MEDIA_ROOT),
named by a random id, and served only by the role-checked document view.
"""

import datetime
import uuid
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from postroom.accounts.models import User, Workspace
from postroom.crm.models import Contract, Customer, Lead, LeadEventKind, LeadStatus, Service
from postroom.crm.money import CENT
from postroom.crm.rollups import rollup_add
from postroom.crm.services.leads import lead_event_add

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def document_path(relative: str) -> Path:
    return Path(settings.PRIVATE_FILES_ROOT) / relative


def _document_store(workspace: Workspace, upload: UploadedFile) -> tuple[str, str, int]:
    """Check and keep an uploaded PDF; (relative path, original name, size)."""
    size = upload.size or 0
    if size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {
                "document": _("The document is larger than %(mb)s MB.")
                % {"mb": DOCUMENT_MAX_BYTES // 2**20}
            }
        )
    upload.seek(0)
    if upload.read(len(PDF_MAGIC)) != PDF_MAGIC:
        raise ValidationError({"document": _("The document must be a PDF file.")})
    upload.seek(0)
    relative = f"crm/{workspace.pk}/{uuid.uuid4().hex}.pdf"
    path = document_path(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    # Written at once: a rolled-back transaction leaves an unreferenced file with a random
    # name under the private root, never a reachable one.
    name = Path(upload.name or "document.pdf").name[:200]
    return relative, name, size


def _remove_later(relative: str) -> None:
    if relative:
        transaction.on_commit(lambda: document_path(relative).unlink(missing_ok=True))


@transaction.atomic
def customer_save(
    *,
    workspace: Workspace,
    customer: Customer | None = None,
    name: str,
    email: str = "",
    phone: str = "",
    company: str = "",
) -> Customer:
    customer = customer or Customer(workspace=workspace)
    customer.name, customer.email, customer.phone, customer.company = (
        name,
        email.strip().lower(),
        phone.strip(),
        company,
    )
    customer.save()
    return customer


def _customer_from_lead(lead: Lead) -> Customer:
    return Customer.objects.create(
        workspace_id=lead.workspace_id,
        name=lead.name,
        email=lead.email,
        phone=lead.phone,
        company=lead.company,
        subscriber_id=lead.subscriber_id,
    )


def _validate(
    workspace: Workspace,
    service: Service,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    amount: Decimal,
) -> None:
    if service.workspace_id != workspace.pk:
        raise ValidationError({"service": _("Unknown service.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end comes before the start.")})
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})


@transaction.atomic
def contract_create(
    *,
    workspace: Workspace,
    name: str,
    service: Service,
    amount: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    signed_on: datetime.date | None = None,
    lead: Lead | None = None,
    customer: Customer | None = None,
    document: UploadedFile | None = None,
    user: User | None = None,
) -> Contract:
    """Sign a contract: with a lead, the lead becomes (or joins) a customer and counts as converted.

    Its amount is the revenue of the lead's advertising campaign on the signing day.
    """
    _validate(workspace, service, starts_on, ends_on, amount)
    if lead is None and customer is None:
        raise ValidationError(_("A contract needs a lead or a customer."))
    if lead is not None:
        if lead.workspace_id != workspace.pk:
            raise ValidationError({"lead": _("Unknown lead.")})
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if customer is not None and customer.workspace_id != workspace.pk:
        raise ValidationError({"customer": _("Unknown customer.")})
    signed_on = signed_on or datetime.datetime.now(tz=datetime.UTC).date()
    if customer is None:
        assert lead is not None
        customer = lead.customer or _customer_from_lead(lead)
    amount = amount.quantize(CENT)
    contract = Contract(
        workspace=workspace,
        customer=customer,
        lead=lead,
        ad_campaign=lead.ad_campaign if lead else None,
        name=name,
        service=service,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        amount=amount,
    )
    if document is not None:
        contract.document, contract.document_name, contract.document_size = _document_store(
            workspace, document
        )
    contract.save()
    if lead is not None:
        lead.customer = customer
        if lead.converted_on is None:
            lead.converted_on, lead.status = signed_on, LeadStatus.CONVERTED
            rollup_add(ad_campaign=lead.ad_campaign, day=signed_on, customers=1)
        lead.save()
        lead_event_add(
            lead=lead,
            kind=LeadEventKind.CONTRACT,
            text=f"{contract.name}: {contract.amount}",
            user=user,
        )
    Customer.objects.filter(pk=customer.pk).update(contracts_total=F("contracts_total") + amount)
    rollup_add(ad_campaign=contract.ad_campaign, day=signed_on, revenue=amount)
    return contract


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    name: str,
    service: Service,
    amount: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    signed_on: datetime.date,
    document: UploadedFile | None = None,
) -> Contract:
    """Change a contract; its revenue moves in the rollups and the customer's total."""
    workspace = contract.workspace
    _validate(workspace, service, starts_on, ends_on, amount)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    amount = amount.quantize(CENT)
    rollup_add(ad_campaign=contract.ad_campaign, day=contract.signed_on, revenue=-contract.amount)
    rollup_add(ad_campaign=contract.ad_campaign, day=signed_on, revenue=amount)
    Customer.objects.filter(pk=contract.customer_id).update(
        contracts_total=F("contracts_total") + amount - contract.amount
    )
    if document is not None:
        _remove_later(contract.document)
        contract.document, contract.document_name, contract.document_size = _document_store(
            workspace, document
        )
    contract.name, contract.service, contract.amount = name, service, amount
    contract.starts_on, contract.ends_on, contract.signed_on = starts_on, ends_on, signed_on
    contract.save()
    return contract


@transaction.atomic
def contract_delete(*, contract: Contract) -> None:
    rollup_add(ad_campaign=contract.ad_campaign, day=contract.signed_on, revenue=-contract.amount)
    Customer.objects.filter(pk=contract.customer_id).update(
        contracts_total=F("contracts_total") - contract.amount
    )
    _remove_later(contract.document)
    contract.delete()
