"""The "view in browser" page: the message as the recipient got it, rendered again.

Rendered once per delivery and message revision (see pagecache.py): opening
the link again, from anywhere, is answered from the cache. Cleaned of anything
that acts (`mail_html_for_web`): it is served on the platform's domain.
"""

from postroom.audience.models import Subscriber
from postroom.campaigns.models import CampaignRun
from postroom.content.rendering import message_revision
from postroom.content.webpage import mail_html_for_web
from postroom.delivery.models import Delivery
from postroom.delivery.sending.prepare import PreparedRun, RecipientData
from postroom.tracking.pagecache import Page, page_cached, page_key


def web_view_page(delivery_id: int) -> Page | None:
    """The personalized HTML of a delivery, or None when it or its recipient is gone."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.subscriber_id is None or delivery.run_id is None:
        return None  # gone, or a transactional message (no web view)
    subscriber = Subscriber.objects.filter(pk=delivery.subscriber_id).first()
    run = (
        CampaignRun.objects.select_related("campaign__message__layout")
        .filter(pk=delivery.run_id)
        .first()
    )
    if subscriber is None or run is None or run.campaign.message is None:
        return None  # gone, or a push campaign's (no web view)
    message = run.campaign.message

    def render() -> str:
        prepared = PreparedRun(run)
        rendered, _unsubscribe, _token = prepared.render(
            delivery_id,
            RecipientData(
                subscriber_id=subscriber.pk,
                email=subscriber.email or "",
                full_name=subscriber.full_name,
                attributes=subscriber.attributes or {},
                language=subscriber.language,
                time_zone=subscriber.time_zone,
                unsubscribe_list=min(prepared.list_ids, default=0),
            ),
        )
        return mail_html_for_web(rendered.html, title=rendered.subject)

    # The subscriber's own data is part of the page: a change of it shows too.
    key = page_key("web", delivery_id, subscriber.updated_at, message_revision(message))
    return page_cached(key=key, render=render)
