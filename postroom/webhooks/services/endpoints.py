"""Endpoints as users manage them: validated URL and events, the secret encrypted, shown on demand."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership
from postroom.accounts.roles import Perm
from postroom.core.unset import UNSET, Unset
from postroom.delivery.crypto import secret_decrypt, secret_encrypt
from postroom.webhooks.events import event_test_make
from postroom.webhooks.models import SUBSCRIBABLE, MessageStatus, WebhookEndpoint, WebhookMessage
from postroom.webhooks.network import url_error
from postroom.webhooks.selectors import subscriptions_forget
from postroom.webhooks.services.emit import endpoints_start
from postroom.webhooks.signing import secret_generate

_TYPES = frozenset(value for value, _label in SUBSCRIBABLE)


def _require(actor: Membership, endpoint: WebhookEndpoint | None = None) -> None:
    if not actor.has(Perm.WEBHOOK_MANAGE):
        raise PermissionDenied(_("You may not configure webhooks."))
    if endpoint is not None and endpoint.workspace_id != actor.workspace_id:
        raise PermissionDenied(_("You may not configure webhooks."))


def _changed(endpoint: WebhookEndpoint) -> None:
    workspace_id = endpoint.workspace_id
    subscriptions_forget(workspace_id)
    # Another process may have read the old list before this commits: forget it again then.
    transaction.on_commit(lambda: subscriptions_forget(workspace_id))


def _validate(url: str, description: str, event_types: Sequence[str]) -> None:
    errors: dict[str, str] = {}
    error = url_error(url) if len(url) <= 500 else _("The URL is too long.")
    if error:
        errors["url"] = error
    if len(description) > 200:
        errors["description"] = _("At most 200 characters.")
    if not event_types:
        errors["event_types"] = _("Choose at least one event.")
    elif set(event_types) - _TYPES:
        errors["event_types"] = _("Unknown event type.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def endpoint_save(
    *,
    actor: Membership,
    endpoint: WebhookEndpoint | None = None,
    url: str | Unset = UNSET,
    description: str | Unset = UNSET,
    event_types: Sequence[str] | Unset = UNSET,
) -> WebhookEndpoint:
    """Create an endpoint (with a fresh secret) or change the fields given."""
    _require(actor, endpoint)
    if endpoint is None:
        endpoint = WebhookEndpoint(
            workspace=actor.workspace, secret_encrypted=secret_encrypt(secret_generate())
        )
    if url is not UNSET:
        endpoint.url = url.strip()
    if description is not UNSET:
        endpoint.description = description
    if event_types is not UNSET:
        endpoint.event_types = sorted(set(event_types))
    _validate(endpoint.url, endpoint.description, endpoint.event_types)
    endpoint.save()
    _changed(endpoint)
    return endpoint


@transaction.atomic
def endpoint_delete(*, actor: Membership, endpoint: WebhookEndpoint) -> None:
    _require(actor, endpoint)
    endpoint.delete()
    _changed(endpoint)


def endpoint_secret(*, actor: Membership, endpoint: WebhookEndpoint) -> str:
    """The signing secret, for managers only (empty if FIELD_ENCRYPTION_KEY changed: rotate it)."""
    _require(actor, endpoint)
    return secret_decrypt(endpoint.secret_encrypted)


@transaction.atomic
def endpoint_secret_rotate(*, actor: Membership, endpoint: WebhookEndpoint) -> str:
    """A new secret, used from the next attempt on (messages waiting for a retry included)."""
    _require(actor, endpoint)
    secret = secret_generate()
    endpoint.secret_encrypted = secret_encrypt(secret)
    endpoint.save(update_fields=["secret_encrypted", "updated_at"])
    return secret


@transaction.atomic
def endpoint_enable(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Active again, with a clean record; messages still waiting are tried at once."""
    _require(actor, endpoint)
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    endpoint.save()
    endpoint.messages.filter(status=MessageStatus.PENDING).update(next_attempt_at=timezone.now())
    _changed(endpoint)
    endpoints_start({endpoint.pk})
    return endpoint


@transaction.atomic
def endpoint_test(*, actor: Membership, endpoint: WebhookEndpoint) -> WebhookMessage:
    """A `test` event to this endpoint alone, sent by a job at once; refused while disabled."""
    _require(actor, endpoint)
    if not endpoint.is_active:
        raise ValidationError(_("The endpoint is disabled; enable it first."))
    now = timezone.now()
    event = event_test_make(endpoint_id=endpoint.pk, at=now)
    message = WebhookMessage.objects.create(
        endpoint=endpoint,
        event_id=event.id,
        event_type=event.type,
        payload=event.payload(),
        next_attempt_at=now,
        created_at=now,
    )
    endpoints_start({endpoint.pk})
    return message
