"""The campaign's experiment pages: results with the decision and the waves, the settings, the pick."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postroom.accounts.roles import Perm
from postroom.accounts.workspace import WorkspaceRequest, workspace_view
from postroom.campaigns.models import Campaign
from postroom.core.templatetags.zoned import zoned_text
from postroom.core.tenancy import get_scoped_or_404
from postroom.experiments.forms import ExperimentForm, VariantFormSet
from postroom.experiments.models import Experiment, Phase
from postroom.experiments.report import experiment_report
from postroom.experiments.services import (
    ExperimentInput,
    VariantInput,
    experiment_remove,
    experiment_save,
    round_pick_winner,
)


@workspace_view()
def experiment_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    report = experiment_report(campaign)
    membership = request.membership
    can_pick = (
        report is not None
        and report.round is not None
        and report.round.phase in (Phase.TESTING, Phase.WAITING_PICK)
        and membership.has(Perm.CAMPAIGN_SEND)
    )
    chart = None
    if report is not None and report.waves:
        letters = [v.variant.letter for v in report.variants]
        chart = {
            "labels": [zoned_text(w.at, campaign.time_zone) for w in report.waves],
            "series": {
                letter: [round(w.shares.get(letter, 0) * 100, 1) for w in report.waves]
                for letter in letters
            },
        }
    return render(
        request,
        "experiments/experiment_detail.html",
        {
            "campaign": campaign,
            "report": report,
            "chart": chart,
            "can_pick": can_pick,
            "can_change": membership.has(Perm.CAMPAIGN_CHANGE),
        },
    )


@workspace_view(Perm.CAMPAIGN_CHANGE)
def experiment_edit(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    experiment = Experiment.objects.filter(campaign=campaign).first()
    initial = (
        [
            {
                "subject": v.subject,
                "preheader": v.preheader,
                "from_name": v.from_name,
                "message": v.message_id,
                "send_time": v.send_time,
            }
            for v in experiment.variants.all()
        ]
        if experiment
        else [{"subject": campaign.message.subject if campaign.message else ""}, {}]
    )
    form = ExperimentForm(
        request.POST or None, instance=experiment or Experiment(campaign=campaign)
    )
    variants = VariantFormSet(
        request.POST or None,
        initial=initial,
        prefix="variants",
        form_kwargs={"workspace": request.workspace},
    )
    if request.method == "POST" and form.is_valid() and variants.is_valid():
        kept = [
            f.cleaned_data
            for f in variants.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            experiment_save(
                actor=request.membership,
                campaign=campaign,
                config=ExperimentInput(
                    **{k: form.cleaned_data[k] for k in ExperimentForm.Meta.fields}
                ),
                variants=[_variant(data) for data in kept],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Experiment saved."))
            return redirect("experiment_detail", pk=campaign.pk)
    return render(
        request,
        "experiments/experiment_edit.html",
        {"campaign": campaign, "form": form, "variants": variants, "experiment": experiment},
    )


def _variant(data: dict[str, Any]) -> VariantInput:
    message = data.get("message")
    return VariantInput(
        subject=data.get("subject") or "",
        preheader=data.get("preheader") or "",
        from_name=data.get("from_name") or "",
        message_id=message.pk if message is not None else None,
        send_time=data.get("send_time"),
    )


@require_POST
@workspace_view(Perm.CAMPAIGN_CHANGE)
def experiment_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    try:
        experiment_remove(actor=request.membership, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("experiment_detail", pk=campaign.pk)
    messages.success(request, _("Experiment removed: everyone gets the campaign's message."))
    return redirect("campaign_detail", pk=campaign.pk)


@require_POST
@workspace_view(Perm.CAMPAIGN_SEND)
def experiment_pick(request: WorkspaceRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    try:
        number = int(request.POST.get("variant", ""))
        released = round_pick_winner(actor=request.membership, campaign=campaign, number=number)
    except (ValueError, ValidationError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else _("No such variant.")
        messages.error(request, text)
    else:
        messages.success(
            request, _("Winner chosen: %(count)s recipients get it.") % {"count": released}
        )
    return redirect("experiment_detail", pk=campaign.pk)
