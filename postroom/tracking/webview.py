"""The "view in browser" page: the message as the recipient got it, rendered again."""

from postroom.audience.models import Subscriber
from postroom.campaigns.models import CampaignRun
from postroom.delivery.models import Delivery
from postroom.delivery.prepare import PreparedRun, RecipientData


def web_view_render(delivery_id: int) -> str | None:
    """The personalized HTML of a delivery, or None when it or its recipient is gone."""
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.subscriber_id is None:
        return None
    subscriber = Subscriber.objects.filter(pk=delivery.subscriber_id).first()
    run = CampaignRun.objects.select_related("campaign__message").filter(pk=delivery.run_id).first()
    if subscriber is None or run is None:
        return None
    prepared = PreparedRun(run)
    rendered, _unsubscribe, _token = prepared.render(
        delivery_id,
        RecipientData(
            subscriber_id=subscriber.pk,
            email=subscriber.email,
            full_name=subscriber.full_name,
            attributes=subscriber.attributes or {},
            language=subscriber.language,
            time_zone=subscriber.time_zone,
            unsubscribe_list=min(prepared.list_ids, default=0),
        ),
    )
    return rendered.html
