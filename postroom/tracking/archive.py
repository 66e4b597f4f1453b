"""The public archive of a list: the campaigns it was sent, readable by anyone with its link.

Messages are rendered for nobody in particular (no name, no address, no
working unsubscribe link), cleaned of anything that acts (`mail_html_for_web`) and
served with scripts and forms forbidden.
"""

from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from postroom.audience.models import MailingList
from postroom.campaigns.models import Campaign, RunStatus
from postroom.content.rendering import message_render, recipient_context
from postroom.content.webpage import mail_html_for_web
from postroom.core.csp import MAIL_PAGE_POLICY

_SENT = (RunStatus.SENDING, RunStatus.FINISHED)


def _archive(public_id: str) -> MailingList:
    return get_object_or_404(MailingList, public_id=public_id, public_archive=True)


def archived_campaigns(mailing_list: MailingList) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(
            workspace_id=mailing_list.workspace_id, lists=mailing_list, runs__status__in=_SENT
        )
        .annotate(sent_at=Max("runs__started_at"))
        .select_related("message")
        .order_by("-sent_at")
    )


def list_archive(request: HttpRequest, public_id: str) -> HttpResponse:
    mailing_list = _archive(public_id)
    return render(
        request,
        "tracking/archive.html",
        {"list": mailing_list, "campaigns": archived_campaigns(mailing_list)[:200]},
    )


def list_archive_message(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    mailing_list = _archive(public_id)
    campaign = archived_campaigns(mailing_list).filter(pk=pk).first()
    if campaign is None:
        raise Http404
    rendered = message_render(
        campaign.message,
        recipient_context(email="", campaign={"name": campaign.name, "id": campaign.pk}),
    )
    response = HttpResponse(mail_html_for_web(rendered.html, title=rendered.subject))
    response["Content-Security-Policy"] = MAIL_PAGE_POLICY
    return response
