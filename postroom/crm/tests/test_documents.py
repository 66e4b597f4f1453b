"""Contract documents: PDFs only, size-capped, kept outside the public media."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from postroom.crm.models import Contract
from postroom.crm.services import sales
from postroom.crm.services.leads import lead_create
from postroom.crm.services.sales import contract_create, contract_delete, document_path
from postroom.crm.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign(owner, document):
    service = ServiceFactory(workspace=owner.workspace)
    lead = lead_create(workspace=owner.workspace, name="Ann")
    return contract_create(
        workspace=owner.workspace,
        lead=lead,
        name="Deal",
        service=service,
        amount=Decimal("1.00"),
        starts_on=dt.date(2026, 1, 1),
        document=document,
    )


def test_a_pdf_is_kept_under_the_private_root(owner, django_capture_on_commit_callbacks):
    contract = _sign(owner, SimpleUploadedFile("deal.pdf", PDF, "application/pdf"))

    path = document_path(contract.document)
    assert path.read_bytes() == PDF
    assert path.is_relative_to(settings.PRIVATE_FILES_ROOT)
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert contract.document_name == "deal.pdf" and contract.document_size == len(PDF)
    with django_capture_on_commit_callbacks(execute=True):
        contract_delete(contract=contract)
    assert not path.exists()


def test_anything_but_a_pdf_is_refused(owner):
    with pytest.raises(ValidationError):
        _sign(owner, SimpleUploadedFile("deal.pdf", b"<html>not a pdf", "application/pdf"))
    assert not Contract.objects.exists()


def test_a_document_over_the_cap_is_refused(owner, monkeypatch):
    monkeypatch.setattr(sales, "DOCUMENT_MAX_BYTES", 10)

    with pytest.raises(ValidationError):
        _sign(owner, SimpleUploadedFile("deal.pdf", PDF, "application/pdf"))
