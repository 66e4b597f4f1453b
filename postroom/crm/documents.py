"""Serving a contract's private PDF: the one place that opens the file for a response."""

from django.http import FileResponse, Http404

from postroom.crm.models import Contract
from postroom.crm.services.sales import document_path


def contract_document_response(contract: Contract, *, as_attachment: bool) -> FileResponse:
    """The PDF as a response that no cache keeps and no browser sniffs into something else.

    Callers have found `contract` within the request's workspace and checked the role.
    """
    path = document_path(contract.document) if contract.document else None
    if path is None or not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        content_type="application/pdf",
        as_attachment=as_attachment,
        filename=contract.document_name or "contract.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Frame-Options"] = "SAMEORIGIN"  # the preview is framed by our own page only
    return response
