from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.accounts.workspace import AuthenticatedRequest, WorkspaceRequest, workspace_view
from postroom.campaigns import services
from postroom.campaigns.forms import CampaignForm, DisableForm
from postroom.campaigns.models import Campaign, CampaignStatus
from postroom.campaigns.selectors import campaign_audience
from postroom.core.forms import form_add_service_error
from postroom.core.templatetags.zoned import zoned_text
from postroom.core.tenancy import get_scoped_or_404, scoped


@workspace_view()
def campaign_list(request: WorkspaceRequest) -> HttpResponse:
    campaigns = scoped(Campaign, request.workspace).select_related("message")
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": campaigns, "can_change": request.membership.has(Perm.CAMPAIGN_CHANGE)},
    )


@workspace_view()
def campaign_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk) if pk else None
    form = CampaignForm(
        request.POST or None,
        instance=campaign,
        workspace=request.workspace,
        # The user's zone, activated for this request (postroom.accounts.zones).
        default_zone=timezone.get_current_timezone_name(),
    )
    if request.method == "POST":
        if not request.membership.has(Perm.CAMPAIGN_CHANGE):
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            lists, exclude = data.pop("lists"), data.pop("exclude_lists")
            try:
                campaign = services.campaign_save(
                    actor=request.membership,
                    campaign=campaign,
                    lists=lists,
                    exclude_lists=exclude,
                    **data,
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Campaign saved."))
                return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_edit.html", {"campaign": campaign, "form": form})


@workspace_view()
@require_POST
def campaign_action(request: WorkspaceRequest, pk: int, action: str) -> HttpResponse:
    """One button of the campaign page; the message says what happened."""
    campaign = get_scoped_or_404(Campaign, request.workspace, pk=pk)
    actor, comment = request.membership, request.POST.get("comment", "")
    actions: dict[str, Callable[[], tuple[Campaign, str]]] = {
        "schedule": lambda: _scheduled(services.campaign_schedule(actor=actor, campaign=campaign)),
        "approve": lambda: _approved(
            services.campaign_decide(actor=actor, campaign=campaign, approve=True, comment=comment)
        ),
        "reject": lambda: (
            services.campaign_decide(
                actor=actor, campaign=campaign, approve=False, comment=comment
            ),
            _("Rejected: the campaign is back to draft, and its author sees why."),
        ),
        "pause": lambda: (
            services.campaign_transition(actor=actor, campaign=campaign, action="pause"),
            _("Paused: nothing more is sent until you resume."),
        ),
        "resume": lambda: _resumed(
            services.campaign_transition(actor=actor, campaign=campaign, action="resume")
        ),
        "cancel": lambda: (
            services.campaign_transition(actor=actor, campaign=campaign, action="cancel"),
            _("Cancelled: the messages not sent yet will not be sent."),
        ),
        "clone": lambda: _cloned(services.campaign_clone(actor=actor, campaign=campaign)),
        "send_now": lambda: _send_now(actor, campaign),
        "retry_failed": lambda: _retry(actor, campaign),
    }
    if action not in actions:
        raise PermissionDenied
    try:
        result, text = actions[action]()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("campaign_detail", pk=campaign.pk)
    messages.success(request, text)
    return redirect("campaign_detail", pk=result.pk)


def _when(campaign: Campaign) -> str:
    assert campaign.next_run_at is not None
    return zoned_text(campaign.next_run_at, campaign.time_zone)


def _scheduled(campaign: Campaign) -> tuple[Campaign, str]:
    if campaign.status == CampaignStatus.PENDING_APPROVAL:
        return campaign, _("Submitted for approval: it is scheduled once an approver approves it.")
    if campaign.status == CampaignStatus.SCHEDULED and campaign.next_run_at:
        return campaign, _("Scheduled: the first run is on %(when)s") % {"when": _when(campaign)}
    return campaign, _("Scheduled.")


def _approved(campaign: Campaign) -> tuple[Campaign, str]:
    if campaign.status == CampaignStatus.SCHEDULED and campaign.next_run_at:
        return campaign, _("Approved and scheduled: the next run is on %(when)s") % {
            "when": _when(campaign)
        }
    return campaign, _("Approved.")


def _resumed(campaign: Campaign) -> tuple[Campaign, str]:
    if campaign.status == CampaignStatus.FINISHED:
        return campaign, _("Resumed: nothing was left to send, so the campaign is finished.")
    if campaign.status == CampaignStatus.SCHEDULED and campaign.next_run_at:
        return campaign, _("Resumed: the next run is on %(when)s") % {"when": _when(campaign)}
    return campaign, _("Resumed: sending goes on.")


def _cloned(clone: Campaign) -> tuple[Campaign, str]:
    if clone.message_id is None:  # push: the same creative
        return clone, _("Copied as “%(name)s”, a new draft.") % {"name": clone.name}
    return clone, _("Copied as “%(name)s”, a new draft with its own copy of the message.") % {
        "name": clone.name
    }


def _send_now(actor: Membership, campaign: Campaign) -> tuple[Campaign, str]:
    if services.campaign_send_now(actor=actor, campaign=campaign) is None:
        return campaign, _("The campaign needs approval: it is submitted, and sends once approved.")
    # The run's deliveries are created by a job; the audience says how many it will be.
    n = campaign_audience(campaign).count()
    if not n:
        return campaign, _("Sending started, but the audience is empty: nobody will get it.")
    return campaign, ngettext(
        "Sending started to %(n)s recipient.", "Sending started to %(n)s recipients.", n
    ) % {"n": number_format(n, force_grouping=True)}


def _retry(actor: Membership, campaign: Campaign) -> tuple[Campaign, str]:
    n = services.campaign_retry_failed(actor=actor, campaign=campaign)
    return campaign, ngettext(
        "%(n)s failed recipient is queued again.", "%(n)s failed recipients are queued again.", n
    ) % {"n": number_format(n, force_grouping=True)}


@login_required
@permission_required("campaigns.view_all_campaigns", raise_exception=True)
def staff_campaign_list(request: HttpRequest) -> HttpResponse:
    """Every workspace's campaigns for platform managers (read-only, with disable/enable)."""
    campaigns = Campaign.objects.select_related("workspace", "created_by", "message").order_by(
        "-id"
    )
    if request.GET.get("status"):
        campaigns = campaigns.filter(status=request.GET["status"])
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/staff_campaign_list.html", {"page": page, "disable_form": DisableForm()}
    )


@login_required
@permission_required("campaigns.view_all_campaigns", raise_exception=True)
def staff_campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Platform staff act across workspaces: the one place a campaign is fetched by id alone.
    campaign = get_object_or_404(
        Campaign.objects.select_related("workspace", "message", "created_by"), pk=pk
    )
    return render(
        request,
        "campaigns/staff_campaign_detail.html",
        {
            "campaign": campaign,
            "events": campaign.events.select_related("user")[:50],
            "disable_form": DisableForm(),
        },
    )


@login_required
@permission_required("campaigns.disable_campaign", raise_exception=True)
@require_POST
def staff_campaign_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        if request.POST.get("enable"):
            services.campaign_enable(by=request.user, campaign=campaign)
            messages.success(request, _("Enabled: the campaign is a draft again."))
        else:
            services.campaign_disable(
                by=request.user, campaign=campaign, reason=request.POST.get("reason", "")
            )
            messages.success(
                request, _("Disabled: the campaign sends nothing more, and its owner sees why.")
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("staff_campaign_detail", pk=campaign.pk)
