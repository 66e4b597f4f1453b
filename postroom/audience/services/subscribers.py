from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.audience.attributes import attributes_clean
from postroom.audience.emails import email_normalize
from postroom.audience.external_ids import external_id_clean
from postroom.audience.models import (
    CustomField,
    MailingList,
    Subscriber,
    SubscriptionSource,
    SubscriptionStatus,
    SuppressionReason,
)
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.services.suppressions import suppression_add
from postroom.core.unset import UNSET, Unset, fields_assign, fields_given


def _email(raw: str | None) -> str | None:
    """The address as stored; None for a contact without one."""
    if raw is None or not raw.strip():
        return None
    try:
        return email_normalize(raw)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc


def _identified(email: str | None, external_id: str | None) -> None:
    if email is None and external_id is None:
        raise ValidationError({"email": _("Give an email address or an external id.")})


def _duplicate(subscriber: Subscriber) -> ValidationError:
    """Which identifier another subscriber of the workspace already has (after an IntegrityError)."""
    others = Subscriber.objects.filter(workspace_id=subscriber.workspace_id).exclude(
        pk=subscriber.pk
    )
    if (
        subscriber.external_id is not None
        and others.filter(external_id=subscriber.external_id).exists()
    ):
        return ValidationError(
            {"external_id": _("A subscriber with this external id already exists.")}
        )
    return ValidationError({"email": _("A subscriber with this email already exists.")})


def _check_time_zone(value: str) -> None:
    if value:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError({"time_zone": _("Unknown time zone.")}) from exc


@transaction.atomic
def subscriber_create(
    *,
    workspace: Workspace,
    email: str | None = None,
    external_id: str | None = None,
    attributes: dict[str, Any] | None = None,
    lists: Iterable[MailingList] = (),
    subscription_status: str = SubscriptionStatus.SUBSCRIBED,
    source: str = SubscriptionSource.ADMIN,
    full_name: str | Unset = UNSET,
    comment: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    language: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> Subscriber:
    """Create a subscriber with validated attributes and put them on `lists`.

    A subscriber has an email, an external id (push-only contacts), or both;
    each is unique in the workspace. `source` is both the subscriber's and
    their subscriptions'; fields left UNSET take the model's defaults.
    """
    normalized = _email(email)
    external_id = external_id_clean(external_id)
    _identified(normalized, external_id)
    _check_time_zone("" if time_zone is UNSET else time_zone)
    cleaned = attributes_clean(CustomField.objects.filter(workspace=workspace), attributes or {})
    fields = fields_given(
        full_name=full_name, comment=comment, time_zone=time_zone, language=language, status=status
    )
    subscriber = Subscriber(
        workspace=workspace,
        email=normalized,
        external_id=external_id,
        attributes=cleaned,
        source=source,
        **fields,
    )
    try:
        with transaction.atomic():
            subscriber.save(force_insert=True)
    except IntegrityError as exc:
        raise _duplicate(subscriber) from exc
    for mailing_list in lists:
        subscription_set(
            subscriber=subscriber,
            mailing_list=mailing_list,
            status=subscription_status,
            source=source,
        )
    return subscriber


@transaction.atomic
def subscriber_update(
    *,
    subscriber: Subscriber,
    email: str | Unset | None = UNSET,
    external_id: str | Unset | None = UNSET,
    attributes: dict[str, Any] | Unset = UNSET,
    full_name: str | Unset = UNSET,
    comment: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    language: str | Unset = UNSET,
    source: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> Subscriber:
    """Change the fields given (those left UNSET keep their value).

    `attributes` names only the keys to change (a None value clears one).
    """
    if email is not UNSET:
        subscriber.email = _email(email)
    if external_id is not UNSET:
        subscriber.external_id = external_id_clean(external_id)
    _identified(subscriber.email, subscriber.external_id)
    if time_zone is not UNSET:
        _check_time_zone(time_zone)
    fields_assign(
        subscriber,
        full_name=full_name,
        comment=comment,
        time_zone=time_zone,
        language=language,
        source=source,
        status=status,
    )
    if attributes is not UNSET:
        custom_fields = list(CustomField.objects.filter(workspace_id=subscriber.workspace_id))
        names = {f.name for f in custom_fields}
        merged = {**subscriber.attributes, **attributes}
        # Values of fields deleted since stay as they are; only defined fields are checked.
        orphans = {k: v for k, v in merged.items() if k not in names and k not in attributes}
        defined = {k: v for k, v in merged.items() if k in names or k in attributes}
        subscriber.attributes = {
            **orphans,
            **attributes_clean(custom_fields, {k: v for k, v in defined.items() if v is not None}),
        }
    try:
        with transaction.atomic():
            subscriber.save()
    except IntegrityError as exc:
        raise _duplicate(subscriber) from exc
    return subscriber


def subscriber_find(
    *, workspace: Workspace, email: str | None, external_id: str | None
) -> Subscriber | None:
    """The workspace's subscriber with this external id, else with this email (both normalized)."""
    workspace_subscribers = Subscriber.objects.filter(workspace=workspace)
    if external_id is not None:
        found = workspace_subscribers.filter(external_id=external_id).first()
        if found is not None:
            return found
    if email is not None:
        return workspace_subscribers.filter(email=email).first()
    return None


@transaction.atomic
def subscriber_upsert(
    *,
    workspace: Workspace,
    email: str | None = None,
    external_id: str | None = None,
    attributes: dict[str, Any] | None = None,
    lists: Iterable[MailingList] = (),
    source: str = SubscriptionSource.API,
    full_name: str | Unset = UNSET,
    comment: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    language: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> tuple[Subscriber, bool]:
    """Change the subscriber found by external id (else by email), or create one; `(it, created)`.

    A found subscriber gets the fields given, the identifier they lack, and the
    `lists` they are not on yet (an unsubscribed person stays unsubscribed);
    an identifier they hold is never replaced: a different one is a
    ValidationError on that field.
    """
    normalized, cleaned_id = _email(email), external_id_clean(external_id)
    _identified(normalized, cleaned_id)
    found = subscriber_find(workspace=workspace, email=normalized, external_id=cleaned_id)
    if found is None:
        subscriber = subscriber_create(
            workspace=workspace,
            email=normalized,
            external_id=cleaned_id,
            attributes=attributes,
            lists=lists,
            source=source,
            full_name=full_name,
            comment=comment,
            time_zone=time_zone,
            language=language,
            status=status,
        )
        return subscriber, True
    for field, given, held in (
        ("email", normalized, found.email),
        ("external_id", cleaned_id, found.external_id),
    ):
        if given is not None and held is not None and given != held:
            raise ValidationError(
                {field: _("The subscriber found has another value; change it with PATCH.")}
            )
    subscriber_update(
        subscriber=found,
        email=normalized or found.email,
        external_id=cleaned_id or found.external_id,
        attributes=attributes if attributes else UNSET,
        full_name=full_name,
        comment=comment,
        time_zone=time_zone,
        language=language,
        status=status,
    )
    on_lists = set(found.subscriptions.values_list("mailing_list_id", flat=True))
    for mailing_list in lists:
        if mailing_list.pk not in on_lists:
            subscription_set(
                subscriber=found,
                mailing_list=mailing_list,
                status=SubscriptionStatus.SUBSCRIBED,
                source=source,
            )
    return found, False


def subscriber_delete(*, subscriber: Subscriber) -> None:
    subscriber.delete()


@transaction.atomic
def subscriber_unsubscribe_all(
    *, subscriber: Subscriber, source: str, ip: str | None = None
) -> None:
    """Unsubscribe from every list and suppress the address (if any) for the whole workspace."""
    for subscription in subscriber.subscriptions.select_related("mailing_list"):
        subscription_set(
            subscriber=subscriber,
            mailing_list=subscription.mailing_list,
            status=SubscriptionStatus.UNSUBSCRIBED,
            source=source,
            ip=ip,
        )
    if subscriber.email:
        suppression_add(
            workspace=subscriber.workspace,
            value=subscriber.email,
            reason=SuppressionReason.UNSUBSCRIBED,
        )
