"""Segment definitions compiled to one `Q` over Subscriber.

A definition is a tree of groups and conditions:

    {"match": "all" | "any",
     "conditions": [
        {"type": "field", "field": "email", "op": "ends_with", "value": "@example.com"},
        {"type": "attribute", "name": "age", "op": "gte", "value": 30},
        {"type": "list", "list": 7, "op": "in", "status": "subscribed"},
        {"type": "created", "op": "in_last_days", "value": 30},
        {"match": "any", "conditions": [...]}]}

Condition types live in a registry (`condition_type`), so other apps add theirs
(the tracking app adds "opened", "clicked", ...) without touching this module.
Compilation never loads subscribers: the result is a `Q` the database evaluates.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, Lookup, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Left
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IExact,
    IsNull,
    IStartsWith,
    LessThan,
    LessThanOrEqual,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from postroom.audience.attribute_expressions import AttributeNumber, AttributeText
from postroom.audience.attribute_indexes import TEXT_PREFIX
from postroom.audience.models import (
    CustomField,
    FieldType,
    MailingList,
    Subscription,
    SubscriptionStatus,
)

MAX_DEPTH = 5
MAX_CONDITIONS = 100


@dataclass
class Context:
    workspace_id: int
    fields: dict[str, CustomField]
    now: dt.datetime = field(default_factory=timezone.now)
    count: int = 0
    _list_ids: set[int] | None = None

    def list_ids(self) -> set[int]:
        if self._list_ids is None:
            self._list_ids = set(
                MailingList.objects.filter(workspace_id=self.workspace_id).values_list(
                    "id", flat=True
                )
            )
        return self._list_ids


Compiler = Callable[[dict[str, Any], Context, str], Q]
_REGISTRY: dict[str, Compiler] = {}


def condition_type(name: str) -> Callable[[Compiler], Compiler]:
    """Register a compiler for conditions of `{"type": name}`."""

    def register(compiler: Compiler) -> Compiler:
        _REGISTRY[name] = compiler
        return compiler

    return register


OptionProvider = Callable[[int], dict[str, Any]]
_OPTION_PROVIDERS: list[OptionProvider] = []


def builder_options_provider(provider: OptionProvider) -> OptionProvider:
    """Register what the segment builder needs for another app's conditions (by workspace id)."""
    _OPTION_PROVIDERS.append(provider)
    return provider


def builder_options_extra(workspace_id: int) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for provider in _OPTION_PROVIDERS:
        extra.update(provider(workspace_id))
    return extra


def segment_q(definition: dict[str, Any], *, workspace_id: int) -> Q:
    """The definition as a Q over Subscriber; ValidationError naming the faulty path."""
    context = Context(
        workspace_id=workspace_id,
        fields={f.name: f for f in CustomField.objects.filter(workspace_id=workspace_id)},
    )
    return _group(definition, context, "", 0)


def segment_error_text(exc: ValidationError) -> str:
    """One line naming each faulty part of a definition, for people editing it."""
    return "; ".join(f"{path}: {' '.join(messages)}" for path, messages in exc.message_dict.items())


def _fail(path: str, message: str) -> ValidationError:
    return ValidationError({path or "definition": message})


def _group(node: Any, context: Context, path: str, depth: int) -> Q:
    if not isinstance(node, dict):
        raise _fail(path, _("Expected a group or a condition."))
    if "type" in node:
        context.count += 1
        if context.count > MAX_CONDITIONS:
            raise _fail(path, _("Too many conditions."))
        compiler = _REGISTRY.get(node["type"])
        if compiler is None:
            raise _fail(path, _("Unknown condition type “%(type)s”.") % {"type": node["type"]})
        return compiler(node, context, path)
    if depth >= MAX_DEPTH:
        raise _fail(path, _("Groups are nested too deeply."))
    match = node.get("match", "all")
    if match not in ("all", "any"):
        raise _fail(f"{path}.match".lstrip("."), _("Match must be “all” or “any”."))
    conditions = node.get("conditions", [])
    if not isinstance(conditions, list):
        raise _fail(f"{path}.conditions".lstrip("."), _("Expected a list."))
    result = Q()
    for i, child in enumerate(conditions):
        q = _group(child, context, f"{path}.conditions[{i}]".lstrip("."), depth + 1)
        result = (result & q) if match == "all" else (result | q)
    return result


_TEXT_OPS: dict[str, Callable[[str, Any], Q]] = {
    "eq": lambda f, v: Q(**{f"{f}__iexact": v}),
    "neq": lambda f, v: ~Q(**{f"{f}__iexact": v}),
    "contains": lambda f, v: Q(**{f"{f}__icontains": v}),
    "not_contains": lambda f, v: ~Q(**{f"{f}__icontains": v}),
    "starts_with": lambda f, v: Q(**{f"{f}__istartswith": v}),
    "ends_with": lambda f, v: Q(**{f"{f}__iendswith": v}),
    "is_empty": lambda f, v: Q(**{f"{f}__isnull": True}) | Q(**{f: ""}),
    "is_not_empty": lambda f, v: Q(**{f"{f}__isnull": False}) & ~Q(**{f: ""}),
    "in": lambda f, v: Q(**{f"{f}__in": v}),
}
_INDEXED_TEXT_OPS: dict[str, type[Lookup]] = {"eq": IExact, "starts_with": IStartsWith}
_ORDER_OPS: dict[str, type[Lookup]] = {
    "gt": GreaterThan,
    "gte": GreaterThanOrEqual,
    "lt": LessThan,
    "lte": LessThanOrEqual,
}
SUBSCRIBER_FIELDS = ("email", "full_name", "comment", "language", "time_zone", "source", "status")


def _op(node: dict[str, Any], path: str, allowed: set[str]) -> str:
    op = node.get("op")
    if op not in allowed:
        raise _fail(
            f"{path}.op", _("Choose one of: %(ops)s.") % {"ops": ", ".join(sorted(allowed))}
        )
    return str(op)


def _value(node: dict[str, Any], path: str, op: str) -> Any:
    if op in ("is_empty", "is_not_empty", "is_true", "is_false"):
        return None
    if "value" not in node:
        raise _fail(f"{path}.value", _("A value is required."))
    value = node["value"]
    if op == "in" and not isinstance(value, list):
        raise _fail(f"{path}.value", _("Expected a list of values."))
    return value


@condition_type("field")
def _field_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    name = node.get("field")
    if name == "domain":
        op = _op(node, path, {"eq", "neq"})
        domain = str(_value(node, path, op)).lstrip("@")
        q = Q(email__iendswith=f"@{domain}")
        return q if op == "eq" else ~q
    if name not in SUBSCRIBER_FIELDS:
        raise _fail(f"{path}.field", _("Unknown field “%(name)s”.") % {"name": name})
    op = _op(node, path, set(_TEXT_OPS))
    return _TEXT_OPS[op](str(name), _value(node, path, op))


@condition_type("attribute")
def _attribute_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    from postroom.audience.attributes import attribute_value_clean

    custom = context.fields.get(str(node.get("name")))
    if custom is None:
        raise _fail(
            f"{path}.name", _("No custom field is named “%(name)s”.") % {"name": node.get("name")}
        )
    key = f"attributes__{custom.name}"
    if custom.type in (FieldType.TEXT, FieldType.CHOICE):
        op = _op(node, path, set(_TEXT_OPS))
        value = _value(node, path, op)
        if op in ("is_empty", "is_not_empty"):
            present = Q(**{f"{key}__isnull": False}) & ~Q(**{key: ""})
            return present if op == "is_not_empty" else ~present
        q = _missing_too(_TEXT_OPS[op](key, value), key, op)
        if custom.indexed and op in _INDEXED_TEXT_OPS:
            # The comparison on what the field's index holds (the first
            # TEXT_PREFIX characters), which the index answers.
            text = str(value)
            start = Left(KeyTextTransform(custom.name, "attributes"), TEXT_PREFIX)
            on_prefix = Q(_INDEXED_TEXT_OPS[op](start, text[:TEXT_PREFIX]))
            # It decides alone when the value is short: upper() makes at most
            # three characters of one, so a longer stored value cannot match
            # in its first characters. A second condition would also make
            # PostgreSQL guess far fewer rows and plan for them.
            return on_prefix if len(text) * 3 < TEXT_PREFIX else on_prefix & q
        return q
    if custom.type == FieldType.BOOLEAN:
        op = _op(node, path, {"is_true", "is_false"})
        q = Q(**{key: True})
        return q if op == "is_true" else (~q | Q(**{f"{key}__isnull": True}))
    op = _op(node, path, {"eq", "neq", "gt", "gte", "lt", "lte", "is_empty", "is_not_empty"})
    if op in ("is_empty", "is_not_empty"):
        present = Q(**{f"{key}__isnull": False})
        return present if op == "is_not_empty" else ~present
    try:
        value = attribute_value_clean(custom, _value(node, path, op))
    except ValidationError as exc:
        raise _fail(f"{path}.value", " ".join(exc.messages)) from exc
    # Typed: a value of another type (stored before the field's type changed)
    # is NULL here, so it matches no comparison and every negation.
    typed = (AttributeNumber if custom.type == FieldType.NUMBER else AttributeText)(custom.name)
    if custom.type == FieldType.NUMBER:
        value = Decimal(str(value))  # 19.99 as written, not the binary float nearest to it
    if op == "eq":
        return Q(Exact(typed, value))
    if op == "neq":
        return ~Q(Exact(typed, value)) | Q(IsNull(typed, True))
    return Q(_ORDER_OPS[op](typed, value))


def _missing_too(q: Q, key: str, op: str) -> Q:
    """A negation also matches subscribers who lack the attribute (SQL NULL is not 'not equal')."""
    return q | Q(**{f"{key}__isnull": True}) if op in ("neq", "not_contains") else q


@condition_type("list")
def _list_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    op = _op(node, path, {"in", "not_in"})
    try:
        list_id = int(node.get("list"))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _fail(f"{path}.list", _("Choose a list.")) from exc
    status = node.get("status", SubscriptionStatus.SUBSCRIBED)
    if status not in SubscriptionStatus.values and status != "any":
        raise _fail(f"{path}.status", _("Unknown subscription status."))
    if list_id not in context.list_ids():
        raise _fail(f"{path}.list", _("Choose a list."))
    # The list is checked to be the workspace's, so the subquery needs no workspace filter.
    subscriptions = Subscription.objects.filter(subscriber=OuterRef("pk"), mailing_list_id=list_id)
    if status != "any":
        subscriptions = subscriptions.filter(status=status)
    q = Q(Exists(subscriptions))
    return q if op == "in" else ~q


@condition_type("created")
def _created_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    op = _op(node, path, {"in_last_days", "older_than_days", "before", "after"})
    value = _value(node, path, op)
    if op in ("in_last_days", "older_than_days"):
        try:
            days = int(value)
        except (TypeError, ValueError) as exc:
            raise _fail(f"{path}.value", _("Expected a number of days.")) from exc
        since = context.now - dt.timedelta(days=days)
        return Q(created_at__gte=since) if op == "in_last_days" else Q(created_at__lt=since)
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise _fail(f"{path}.value", _("Expected a date (YYYY-MM-DD).")) from exc
    moment = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return (
        Q(created_at__lt=moment)
        if op == "before"
        else Q(created_at__gte=moment + dt.timedelta(days=1))
    )
