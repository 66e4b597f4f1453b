"""What a job computes once per run (compiled templates, MIME skeleton, link prefixes) and per batch."""

from dataclasses import dataclass
from email.utils import formataddr
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from postroom.audience.models import Subscriber, SubscriberStatus, Subscription, SubscriptionStatus
from postroom.audience.selectors import unsuppressed_q
from postroom.audience.tokens import preferences_token_make, unsubscribe_token_make
from postroom.campaigns.models import CampaignRun
from postroom.content.models import Message
from postroom.content.rendering import (
    CompiledMessage,
    Rendered,
    body_html_source,
    compiled_render,
    contrasting_samples,
    message_compile,
    recipient_context,
)
from postroom.core.siteurls import url_parts
from postroom.delivery.sending.tracking import RunTracker, tracker
from postroom.delivery.transports.mime import MessageSkeleton, Recipient, html_with_preheader
from postroom.delivery.transports.tokens import message_id, return_path
from postroom.experiments.selectors import variant_messages


@dataclass
class RecipientData:
    subscriber_id: int
    email: str
    full_name: str
    attributes: dict[str, Any]
    language: str
    time_zone: str
    unsubscribe_list: int  # the list a one-click unsubscribe leaves; 0: everything


@dataclass
class Built:
    sender: str  # envelope (Return-Path)
    data: bytes


@dataclass
class _Part:
    """What is built once per message a run sends: the campaign's, or an experiment variant's."""

    compiled: CompiledMessage
    from_email: str
    skeleton: MessageSkeleton
    tracking: RunTracker


class PreparedRun:
    def __init__(self, run: CampaignRun) -> None:
        campaign = run.campaign
        message = campaign.message
        if message is None:
            raise ValueError("the email campaign has no message")
        self.run = run
        self.workspace_id = campaign.workspace_id
        self.list_ids = list(campaign.lists.values_list("id", flat=True))
        self.excluded_list_ids = list(campaign.exclude_lists.values_list("id", flat=True))
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        self.list_id = formataddr(
            (campaign.name, f"campaign-{campaign.pk}.{self.workspace_id}.{host}")
        )
        self.unsubscribe_url = url_parts("public_unsubscribe")
        self.preferences_url = url_parts("public_preferences")
        domain = settings.BOUNCE_DOMAIN or message.from_email.rpartition("@")[2]
        self.mailto_unsubscribe = f"unsubscribe@{domain}"
        self.campaign_vars = {"name": campaign.name, "id": campaign.pk}
        self.web_view_url = url_parts("tracking_web_view")
        self.tracker = tracker()
        self.parts: dict[int | None, _Part] = {None: self._part(message)}
        for number, variant_message in variant_messages(campaign).items():
            self.parts[number] = self._part(variant_message)

    def _part(self, message: Message) -> _Part:
        campaign = self.run.campaign
        compiled = message_compile(message)
        links, sample = (
            static_links(compiled, body_html_source(message), self.campaign_vars)
            if campaign.track_clicks
            else ([], "")
        )
        skeleton = MessageSkeleton(
            from_name=message.from_name,
            from_email=message.from_email,
            reply_to=message.reply_to,
            list_id=self.list_id,
        )
        tracking = self.tracker.run_tracker(campaign, links, sample=sample)
        return _Part(compiled, message.from_email, skeleton, tracking)

    def render(
        self, delivery_id: int, data: RecipientData, variant: int | None = None
    ) -> tuple[Rendered, str, str]:
        """The recipient's subject, HTML and text with tracking; their unsubscribe URL and token."""
        part = self.parts.get(variant) or self.parts[None]
        subscriber_id = data.subscriber_id
        token = unsubscribe_token_make(subscriber_id=subscriber_id, list_id=data.unsubscribe_list)
        # The message's own token rides along, so the report can count the unsubscribe.
        unsubscribe = (
            f"{token.join(self.unsubscribe_url)}?m={self.tracker.unsubscribe_marker(delivery_id)}"
        )
        context = recipient_context(
            email=data.email,
            full_name=data.full_name,
            attributes=data.attributes,
            language=data.language,
            time_zone=data.time_zone,
            urls={
                "unsubscribe": unsubscribe,
                "preferences": preferences_token_make(subscriber_id=subscriber_id).join(
                    self.preferences_url
                ),
                "web_view": self.tracker.web_view_token(delivery_id).join(self.web_view_url),
            },
            campaign=self.campaign_vars,
        )
        rendered = compiled_render(part.compiled, context)
        tracked = Rendered(
            subject=rendered.subject,
            html=part.tracking.html(rendered.html, delivery_id),
            text=part.tracking.text(rendered.text, delivery_id),
            preheader=rendered.preheader,
        )
        return tracked, unsubscribe, token

    def build(
        self,
        delivery_id: int,
        data: RecipientData,
        *,
        eight_bit: bool = False,
        variant: int | None = None,
    ) -> Built:
        part = self.parts.get(variant) or self.parts[None]
        rendered, unsubscribe, token = self.render(delivery_id, data, variant)
        data_bytes = part.skeleton.build(
            Recipient(
                email=data.email,
                name=data.full_name,
                subject=rendered.subject,
                text=rendered.text,
                html=html_with_preheader(rendered.html, rendered.preheader),
                message_id=message_id(delivery_id, part.from_email),
                date=timezone.now(),
                list_unsubscribe=f"<{unsubscribe}>, <mailto:{self.mailto_unsubscribe}?subject=unsubscribe-{token}>",
            ),
            eight_bit=eight_bit,
        )
        return Built(return_path(delivery_id, part.from_email), data_bytes)


def static_links(
    compiled: CompiledMessage, source: str, campaign: dict[str, Any] | None = None
) -> tuple[list[str], str]:
    """Links that are the same for every recipient: literal in the source, or equal in
    contrasting sample renders (links pasted in from blocks and layouts, links with the
    campaign's own variables); and one sample render ("" when none could be made)."""
    hrefs = tracker().hrefs
    found = hrefs(source)
    samples = [{**sample, "campaign": dict(campaign or {})} for sample in contrasting_samples()]
    try:
        renders = [compiled_render(compiled, sample).html for sample in samples]
    except Exception:  # a template that needs real data to render: the literal links serve
        return found, ""
    common = set(hrefs(renders[0]))
    for html in renders[1:]:
        common &= set(hrefs(html))
    links = [*found, *(url for url in hrefs(renders[0]) if url in common)]
    return list(dict.fromkeys(links)), renders[0]


def prepare_run(run: CampaignRun) -> PreparedRun:
    return PreparedRun(run)


class AudienceLists(Protocol):
    """What the batch's re-check needs of a prepared run (email's `PreparedRun`, push's own)."""

    workspace_id: int
    list_ids: list[int]
    excluded_list_ids: list[int]


def recipients_load(prepared: AudienceLists, subscriber_ids: list[int]) -> dict[int, RecipientData]:
    """The batch's recipients who may still be sent to: active, not suppressed, still on a list.

    Two queries per batch; whoever unsubscribed, was suppressed or blocklisted
    since the launch is simply absent.
    """
    if not subscriber_ids:
        return {}
    subscribers = Subscriber.objects.filter(
        unsuppressed_q(),
        pk__any=subscriber_ids,
        workspace_id=prepared.workspace_id,
        status=SubscriberStatus.ACTIVE,
    )
    on_lists: dict[int, int] = {}
    if prepared.list_ids or prepared.excluded_list_ids:
        rows = Subscription.objects.filter(
            subscriber_id__any=subscriber_ids,
            mailing_list_id__in=prepared.list_ids + prepared.excluded_list_ids,
            status=SubscriptionStatus.SUBSCRIBED,
        ).values_list("subscriber_id", "mailing_list_id")
        excluded: set[int] = set()
        for subscriber_id, list_id in rows:
            if list_id in prepared.excluded_list_ids:
                excluded.add(subscriber_id)
            elif subscriber_id not in on_lists or list_id < on_lists[subscriber_id]:
                on_lists[subscriber_id] = list_id
        if excluded:
            subscribers = subscribers.exclude(pk__any=list(excluded))
        if prepared.list_ids:
            subscribers = subscribers.filter(pk__any=list(on_lists))
    result = {}
    for row in subscribers.values_list(
        "pk", "email", "full_name", "attributes", "language", "time_zone"
    ):
        pk, email, full_name, attributes, language, time_zone = row
        result[pk] = RecipientData(
            subscriber_id=pk,
            email=email or "",  # campaign audiences hold only subscribers with an address
            full_name=full_name,
            attributes=attributes or {},
            language=language,
            time_zone=time_zone,
            unsubscribe_list=on_lists.get(pk, 0),
        )
    return result
