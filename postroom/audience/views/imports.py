import csv
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.audience.exports import EchoBuffer, cell_neutralize
from postroom.audience.forms import ImportStartForm, ImportUploadForm
from postroom.audience.imports.mapping import ATTRIBUTE_PREFIX, PLAIN_TARGETS
from postroom.audience.imports.source import csv_preview
from postroom.audience.models import CustomField, Import, ImportStatus, MailingList
from postroom.audience.services import imports as services
from postroom.core.tenancy import get_scoped_or_404, scoped


def _chosen_lists(request: WorkspaceRequest, values: list[str]) -> list[MailingList]:
    """The workspace's lists named in the request (an import started from a list's page)."""
    return [get_scoped_or_404(MailingList, request.workspace, pk=v) for v in values if v.isdigit()]


@workspace_view(Perm.AUDIENCE_VIEW)
def import_index(request: WorkspaceRequest) -> HttpResponse:
    form = ImportUploadForm()
    return render(
        request,
        "audience/import_index.html",
        {
            "imports": scoped(Import, request.workspace)[:50],
            "form": form,
            "lists": _chosen_lists(request, request.GET.getlist("list")),
            "can_change": request.membership.has(Perm.AUDIENCE_CHANGE),
        },
    )


@workspace_view(Perm.AUDIENCE_CHANGE)
def import_upload(request: WorkspaceRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    lists = _chosen_lists(request, request.POST.getlist("lists"))
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(
                workspace=request.workspace,
                user=request.user,
                upload=form.cleaned_data["file"],
                lists=lists,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("import_detail", pk=job.pk)
    return render(
        request,
        "audience/import_index.html",
        {
            "imports": scoped(Import, request.workspace)[:50],
            "form": form,
            "lists": lists,
            "can_change": True,
        },
    )


def _targets(workspace: object) -> list[tuple[str, str]]:
    labels = {
        "email": _("Email"),
        "external_id": _("External id"),
        "full_name": _("Full name"),
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "comment": _("Comment"),
        "time_zone": _("Time zone"),
        "language": _("Language"),
    }
    fields = scoped(CustomField, workspace)
    return [
        ("", _("— skip —")),
        *[(t, labels[t]) for t in PLAIN_TARGETS],
        *[(ATTRIBUTE_PREFIX + f.name, f.label) for f in fields],
    ]


@workspace_view(Perm.AUDIENCE_VIEW)
def import_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """A draft: column mapping with a preview; later: live progress, then the report."""
    job = get_scoped_or_404(Import, request.workspace, pk=pk)
    if job.status != ImportStatus.DRAFT:
        template = (
            "audience/_import_progress.html"
            if request.headers.get("HX-Request")
            else "audience/import_detail.html"
        )
        return render(request, template, {"job": job, "issues": job.issues.all()[:100]})
    # Lists chosen where the import started (a list's page) come checked.
    form = ImportStartForm(
        request.POST or None,
        workspace=request.workspace,
        initial={"lists": list(job.lists.values_list("pk", flat=True))},
    )
    shape = services.import_shape(job=job)
    mapping = {
        c: request.POST.get(f"map_{i}", job.mapping.get(c, "")) for i, c in enumerate(shape.header)
    }
    if (
        request.method == "POST"
        and request.membership.has(Perm.AUDIENCE_CHANGE)
        and form.is_valid()
    ):
        try:
            services.import_start(
                job=job,
                mapping=mapping,
                mode=form.cleaned_data["mode"],
                lists=form.cleaned_data["lists"],
                subscription_status=form.cleaned_data["subscription_status"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.info(request, _("Import started."))
            return redirect("import_detail", pk=job.pk)
    from pathlib import Path

    preview = csv_preview(Path(job.file.path), shape)
    columns = [
        {"index": i, "name": c, "target": mapping.get(c, "")} for i, c in enumerate(shape.header)
    ]
    width = len(shape.header)
    rows = [(row + [""] * width)[:width] for row in preview]
    return render(
        request,
        "audience/import_mapping.html",
        {
            "job": job,
            "form": form,
            "columns": columns,
            "rows": rows,
            "targets": _targets(request.workspace),
            "shape": shape,
        },
    )


@workspace_view(Perm.AUDIENCE_VIEW)
def import_issues_csv(request: WorkspaceRequest, pk: int) -> StreamingHttpResponse:
    job = get_scoped_or_404(Import, request.workspace, pk=pk)
    writer = csv.writer(EchoBuffer())

    def rows() -> Iterator[str]:
        yield writer.writerow(["line", "email", "reason"])
        for issue in job.issues.order_by("line").iterator(chunk_size=2000):
            yield writer.writerow(
                [issue.line, cell_neutralize(issue.email), cell_neutralize(issue.reason)]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response
