"""The public archive of a list: the campaigns it was sent, readable by anyone with its link.

Messages are rendered for nobody in particular (no name, no address, no
working unsubscribe link), once per message revision (see pagecache.py), cleaned
of anything that acts (`mail_html_for_web`) and served with scripts and forms
forbidden.
"""

from typing import Any

from django.core.cache import cache
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from jinja2 import TemplateError

from postroom.audience.models import MailingList
from postroom.campaigns.models import Campaign, RunStatus
from postroom.content.models import ContentBlock
from postroom.content.rendering import (
    Rendered,
    message_render,
    message_revision,
    recipient_context,
    subject_render,
)
from postroom.content.webpage import mail_html_for_web
from postroom.core.csp import MAIL_PAGE_POLICY
from postroom.tracking.pagecache import PAGE_SECONDS, page_cached, page_key, page_unavailable

_SENT = (RunStatus.SENDING, RunStatus.FINISHED)


def _archive(public_id: str) -> MailingList:
    return get_object_or_404(MailingList, public_id=public_id, public_archive=True)


def archived_campaigns(mailing_list: MailingList) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(
            workspace_id=mailing_list.workspace_id,
            lists=mailing_list,
            runs__status__in=_SENT,
            message__isnull=False,  # email: a push campaign has no page to show
        )
        .annotate(sent_at=Max("runs__started_at"))
        .select_related("message")
        .order_by("-sent_at")
    )


def _nobody(campaign: Campaign) -> dict[str, Any]:
    return recipient_context(email="", campaign={"name": campaign.name, "id": campaign.pk})


def _web_page(rendered: Rendered) -> str:
    return mail_html_for_web(rendered.html, title=rendered.subject)


def archived_subjects(mailing_list: MailingList, campaigns: list[Campaign]) -> dict[int, str]:
    """Each campaign's subject as the archive shows it: rendered for nobody, like the body.

    A subject that does not render (a block deleted since) shows the campaign's name.
    Anyone may open the archive, as often as they like: the subjects are rendered
    once for each set of subjects, names and blocks, then read from the cache.
    """
    blocks = dict(
        ContentBlock.objects.filter(workspace_id=mailing_list.workspace_id).values_list(
            "key", "html"
        )
    )
    key = page_key(
        "archive-subjects",
        sorted(blocks.items()),
        [(c.pk, c.name, c.message.subject if c.message else "") for c in campaigns],
    )
    cached: dict[int, str] | None = cache.get(key)
    if cached is not None:
        return cached
    subjects = {}
    for campaign in campaigns:
        try:
            subject = subject_render(
                subject=campaign.message.subject if campaign.message else "",
                context=_nobody(campaign),
                blocks=blocks,
            )
        except TemplateError:
            subject = ""
        subjects[campaign.pk] = subject or campaign.name
    cache.set(key, subjects, PAGE_SECONDS)
    return subjects


def list_archive(request: HttpRequest, public_id: str) -> HttpResponse:
    mailing_list = _archive(public_id)
    campaigns = list(archived_campaigns(mailing_list)[:200])
    subjects = archived_subjects(mailing_list, campaigns)
    entries = [(campaign, subjects[campaign.pk]) for campaign in campaigns]
    return render(request, "tracking/archive.html", {"list": mailing_list, "entries": entries})


def list_archive_message(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    mailing_list = _archive(public_id)
    campaign = archived_campaigns(mailing_list).filter(pk=pk).first()
    if campaign is None or campaign.message is None:
        raise Http404
    message = campaign.message
    context = _nobody(campaign)
    page = page_cached(
        key=page_key("archive", campaign.pk, campaign.name, message_revision(message)),
        render=lambda: _web_page(message_render(message, context)),
    )
    if page.html is None:
        return page_unavailable(request, busy=page.busy)
    response = HttpResponse(page.html)
    response["Content-Security-Policy"] = MAIL_PAGE_POLICY
    return response
