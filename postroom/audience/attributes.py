"""Custom attribute values checked and converted against the workspace's field definitions."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from postroom.audience.models import CustomField, FieldType

_TRUE = {"true", "1", "yes", "y", "on", "да", "t"}
_FALSE = {"false", "0", "no", "n", "off", "нет", "f", ""}


def attribute_value_clean(field: CustomField, value: Any) -> Any:
    """`value` converted to the field's type (JSON-storable); ValidationError if it does not fit."""
    if value is None or (
        isinstance(value, str) and not value.strip() and field.type != FieldType.BOOLEAN
    ):
        return None
    if field.type == FieldType.TEXT:
        return str(value).strip()
    if field.type == FieldType.NUMBER:
        if isinstance(value, bool):
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError as exc:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from exc
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if field.type == FieldType.DATE:
        try:
            return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
        except ValueError as exc:
            raise ValidationError(
                _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
            ) from exc
    if field.type == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValidationError(_("“%(value)s” is not yes or no.") % {"value": value})
    if field.type == FieldType.CHOICE:
        text = str(value).strip()
        if text not in field.choices:
            raise ValidationError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(field.choices)}
            )
        return text
    raise ValidationError(_("Unknown field type."))


def attributes_clean(
    fields: Iterable[CustomField], data: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Validate an attributes mapping: unknown keys refused, defaults filled, required enforced.

    With `partial`, missing keys are left alone (an update that names only some).
    """
    by_name = {f.name: f for f in fields}
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(by_name))
    for name in unknown:
        errors[name] = _("No custom field is named “%(name)s”.") % {"name": name}
    cleaned: dict[str, Any] = {}
    for name, field in by_name.items():
        if name not in data:
            if partial:
                continue
            value = field.default
        else:
            value = data[name]
        try:
            value = attribute_value_clean(field, value)
        except ValidationError as exc:
            errors[name] = " ".join(exc.messages)
            continue
        if value is None and field.required:
            errors[name] = _("This field is required.")
        elif value is not None:
            cleaned[name] = value
    if errors:
        raise ValidationError({f"attributes.{k}": v for k, v in errors.items()})
    return cleaned
