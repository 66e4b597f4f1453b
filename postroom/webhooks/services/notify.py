"""Telling a workspace's owners and admins that an endpoint was disabled."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.accounts.roles import Role
from postroom.webhooks.models import WebhookEndpoint


def endpoint_disabled_notify(endpoint: WebhookEndpoint) -> None:
    """A mail to the owners and admins once the disabling commits."""
    recipients = list(
        Membership.objects.filter(
            workspace_id=endpoint.workspace_id, role__in=(Role.OWNER, Role.ADMIN)
        ).values_list("user__email", flat=True)
    )
    if not recipients:
        return
    subject = _("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url}
    body = _(
        "Postroom stopped sending events to %(url)s: %(reason)s.\n\n"
        "Events are no longer recorded for it. Once the receiver answers again, "
        "enable it from the workspace's webhooks page: %(page)s"
    ) % {
        "url": endpoint.url,
        "reason": endpoint.disabled_reason,
        "page": f"{settings.SITE_URL}/app/settings/webhooks/{endpoint.pk}/",
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))
