"""Segment definitions compiled to one `Q` over Subscriber.

A definition is a tree of groups and conditions:

    {"match": "all" | "any",
     "conditions": [
        {"type": "field", "field": "email", "op": "ends_with", "value": "@example.com"},
        {"type": "field", "field": "external_id", "op": "is_not_empty"},
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
from decimal import Decimal, InvalidOperation
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
MAX_DAYS = 36_500  # a hundred years: more overflows dates, and nobody means it
MAX_TEXT = 10_000  # as long as an imported cell may be


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


def segment_errors(exc: ValidationError) -> dict[str, str]:
    """The message for each faulty part of a definition, by its path ("conditions[0].value")."""
    return {path: " ".join(messages) for path, messages in exc.message_dict.items()}


def _fail(path: str, message: str) -> ValidationError:
    return ValidationError({path or "definition": message})


def _group(node: Any, context: Context, path: str, depth: int) -> Q:
    if not isinstance(node, dict):
        raise _fail(path, _("Expected a group or a condition."))
    if "type" in node:
        context.count += 1
        if context.count > MAX_CONDITIONS:
            raise _fail(path, _("Too many conditions."))
        kind = node["type"]
        compiler = _REGISTRY.get(kind) if isinstance(kind, str) else None
        if compiler is None:
            raise _fail(path, _("Unknown condition type “%(type)s”.") % {"type": kind})
        return compiler(node, context, path)
    if depth >= MAX_DEPTH:
        raise _fail(path, _("Groups are nested too deeply."))
    match = node.get("match", "all")
    if not isinstance(match, str) or match not in ("all", "any"):
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
SUBSCRIBER_FIELDS = (
    "email",
    "external_id",
    "full_name",
    "comment",
    "language",
    "time_zone",
    "source",
    "status",
)
# Compared exactly: an app's key, where "A1" and "a1" are two contacts.
_EXACT_OPS: dict[str, Callable[[str, Any], Q]] = {
    "eq": lambda f, v: Q(**{f: v}),
    "neq": lambda f, v: ~Q(**{f: v}),
}


def _op(node: dict[str, Any], path: str, allowed: set[str]) -> str:
    op = node.get("op")
    if not isinstance(op, str) or op not in allowed:
        raise _fail(
            f"{path}.op", _("Choose one of: %(ops)s.") % {"ops": ", ".join(sorted(allowed))}
        )
    return op


def _value(node: dict[str, Any], path: str, op: str) -> Any:
    if op in ("is_empty", "is_not_empty", "is_true", "is_false"):
        return None
    value = node.get("value")
    if value is None or (isinstance(value, str) and not value.strip()):
        # An empty text would match everybody ("contains ''"), an empty number nobody.
        raise _fail(f"{path}.value", _("A value is required."))
    if op == "in":
        if not isinstance(value, list) or not value:
            raise _fail(f"{path}.value", _("Expected a list of values."))
        return [_text(v, path) for v in value]
    return value


def _text(value: Any, path: str) -> str:
    """A value compared as text: a string or a number, not empty, without NUL characters."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(f"{path}.value", _("Expected a text value."))
    text = str(value)
    if not text.strip():
        raise _fail(f"{path}.value", _("A value is required."))
    if "\x00" in text or len(text) > MAX_TEXT:
        raise _fail(
            f"{path}.value",
            _("Expected text of at most %(n)s characters, without NUL characters.")
            % {"n": MAX_TEXT},
        )
    return text


def _text_value(node: dict[str, Any], path: str, op: str) -> Any:
    value = _value(node, path, op)
    return value if value is None or op == "in" else _text(value, path)


def _number(value: Any, path: str) -> Decimal:
    """The value as written (19.99, not the binary float nearest to it); a finite number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(f"{path}.value", _("Expected a number."))
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    # Beyond ±1e300 PostgreSQL's numeric and SQLite's real stop being exact or finite.
    if not number.is_finite() or len(text) > 100 or abs(number.adjusted()) > 300:
        raise _fail(f"{path}.value", _("“%(value)s” is not a number.") % {"value": value})
    return number


def days_value(node: dict[str, Any], path: str) -> int:
    """A whole number of days from 0 to MAX_DAYS (also for other apps' conditions)."""
    value = node.get("value")
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError
        days = Decimal(str(value).strip())
        if not days.is_finite() or days != days.to_integral_value():
            raise ValueError
    except (ValueError, InvalidOperation) as exc:
        raise _fail(f"{path}.value", _("Expected a whole number of days.")) from exc
    if not 0 <= days <= MAX_DAYS:
        raise _fail(
            f"{path}.value",
            _("Expected a number of days from 0 to %(max)s.") % {"max": MAX_DAYS},
        )
    return int(days)


@condition_type("field")
def _field_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    name = node.get("field")
    if name == "domain":
        op = _op(node, path, {"eq", "neq"})
        domain = _text_value(node, path, op).strip().lstrip("@")
        if not domain:
            raise _fail(f"{path}.value", _("A value is required."))
        q = Q(email__iendswith=f"@{domain}")
        return q if op == "eq" else ~q
    if not isinstance(name, str) or name not in SUBSCRIBER_FIELDS:
        raise _fail(f"{path}.field", _("Unknown field “%(name)s”.") % {"name": name})
    op = _op(node, path, set(_TEXT_OPS))
    ops = _EXACT_OPS if name == "external_id" and op in _EXACT_OPS else _TEXT_OPS
    # "Is empty" holds for a contact without email or external id (NULL), and a
    # negation ("is not", "does not contain") holds for them too: Django's NOT
    # over a nullable column keeps the NULL rows.
    return ops[op](name, _text_value(node, path, op))


@condition_type("attribute")
def _attribute_condition(node: dict[str, Any], context: Context, path: str) -> Q:
    from postroom.audience.attributes import attribute_value_clean

    name = node.get("name")
    custom = context.fields.get(name) if isinstance(name, str) else None
    if custom is None:
        raise _fail(
            f"{path}.name", _("No custom field is named “%(name)s”.") % {"name": node.get("name")}
        )
    key = f"attributes__{custom.name}"
    if custom.type in (FieldType.TEXT, FieldType.CHOICE):
        op = _op(node, path, set(_TEXT_OPS))
        value = _text_value(node, path, op)
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
    value = _value(node, path, op)
    if custom.type == FieldType.NUMBER:
        value = _number(value, path)
    else:
        if not isinstance(value, str):
            raise _fail(f"{path}.value", _("Expected a date (YYYY-MM-DD)."))
        try:
            value = attribute_value_clean(custom, _text(value, path))
        except ValidationError as exc:
            raise _fail(f"{path}.value", " ".join(exc.messages)) from exc
    # Typed: a value of another type (stored before the field's type changed)
    # is NULL here, so it matches no comparison and every negation.
    typed = (AttributeNumber if custom.type == FieldType.NUMBER else AttributeText)(custom.name)
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
    list_id = node.get("list")
    if isinstance(list_id, str) and list_id.isdigit():
        list_id = int(list_id)
    if isinstance(list_id, bool) or not isinstance(list_id, int):
        raise _fail(f"{path}.list", _("Choose a list."))
    status = node.get("status", SubscriptionStatus.SUBSCRIBED)
    if not isinstance(status, str) or (status not in SubscriptionStatus.values and status != "any"):
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
    if op in ("in_last_days", "older_than_days"):
        since = context.now - dt.timedelta(days=days_value(node, path))
        return Q(created_at__gte=since) if op == "in_last_days" else Q(created_at__lt=since)
    value = _value(node, path, op)
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        if day is None:
            raise ValueError
        moment = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        if op == "after":
            moment += dt.timedelta(days=1)
    except (ValueError, OverflowError) as exc:
        raise _fail(f"{path}.value", _("Expected a date (YYYY-MM-DD).")) from exc
    return Q(created_at__lt=moment) if op == "before" else Q(created_at__gte=moment)
