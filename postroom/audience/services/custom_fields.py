from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.audience.attribute_indexes import INDEXABLE, MAX_PER_WORKSPACE
from postroom.audience.attributes import attribute_value_clean
from postroom.audience.imports.mapping import ATTRIBUTE_PREFIX
from postroom.audience.models import (
    CustomField,
    FieldType,
    Import,
    ImportMapping,
    ImportStatus,
    Segment,
    Subscriber,
)
from postroom.core.unset import UNSET, Unset, fields_assign


@transaction.atomic
def custom_field_save(
    *,
    workspace: Workspace,
    field: CustomField | None = None,
    name: str | Unset = UNSET,
    label: str | Unset = UNSET,
    type: str | Unset = UNSET,
    required: bool | Unset = UNSET,
    default: Any | Unset = UNSET,
    choices: list[str] | Unset = UNSET,
    position: int | Unset = UNSET,
    indexed: bool | Unset = UNSET,
) -> CustomField:
    """Create or change a custom field; its default must fit its type, its name be unique.

    Fields left UNSET keep their value (a new field: the model's default);
    `default=None` clears the default. A rename moves the subscribers' stored
    values and the segments' conditions to the new name (templates that name
    the field are the user's to change).
    """
    field = field or CustomField(workspace=workspace)
    old_name = field.name if field.pk else None
    fields_assign(
        field,
        name=name,
        label=label,
        type=type,
        required=required,
        default=default,
        choices=choices,
        position=position,
        indexed=indexed,
    )
    _custom_field_check(workspace, field)
    field.save()
    if old_name and old_name != field.name:
        _attribute_rename(workspace=workspace, old=old_name, new=field.name)
    _indexes_changed()
    return field


def _custom_field_check(workspace: Workspace, field: CustomField) -> None:
    """ValidationError naming the field at fault; tidies the choices and the default."""
    field.choices = [str(c).strip() for c in field.choices or [] if str(c).strip()]
    if field.type == FieldType.CHOICE and not field.choices:
        raise ValidationError({"choices": _("A choice field needs choices.")})
    if (
        CustomField.objects.filter(workspace=workspace, name=field.name)
        .exclude(pk=field.pk)
        .exists()
    ):
        raise ValidationError({"name": _("A field with this name exists.")})
    if field.default not in (None, ""):
        try:
            field.default = attribute_value_clean(field, field.default)
        except ValidationError as exc:
            raise ValidationError({"default": exc.messages}) from exc
    else:
        field.default = None
    if field.name.isdigit():  # JSON lookups would read it as a position in a list
        raise ValidationError({"name": _("A name needs at least one letter.")})
    if field.indexed and field.type not in INDEXABLE:
        raise ValidationError({"indexed": _("Yes / no fields cannot be indexed.")})
    if (
        field.indexed
        and CustomField.objects.filter(workspace=workspace, indexed=True)
        .exclude(pk=field.pk)
        .count()
        >= MAX_PER_WORKSPACE
    ):
        raise ValidationError(
            {
                "indexed": _("At most %(n)s fields of a workspace can be indexed.")
                % {"n": MAX_PER_WORKSPACE}
            }
        )


def _attribute_rename(*, workspace: Workspace, old: str, new: str) -> None:
    """One UPDATE moves the values; the JSON value is moved as JSON, so true stays true."""
    table = connection.ops.quote_name(Subscriber._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} SET attributes = (attributes - %s) || jsonb_build_object(%s, attributes -> %s)"  # noqa: S608 (the table's name, no input)
            " WHERE workspace_id = %s AND attributes ? %s"
        )
        params: list[Any] = [old, new, old, workspace.pk, old]
    else:
        old_path, new_path = (f'$."{n}"' for n in (old, new))  # names are slugs: no quotes inside
        sql = (
            f"UPDATE {table} SET attributes = json_set(json_remove(attributes, %s), %s, json(attributes -> %s))"  # noqa: S608 (the table's name, no input)
            " WHERE workspace_id = %s AND json_type(attributes, %s) IS NOT NULL"
        )
        params = [old_path, new_path, old_path, workspace.pk, old_path]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    for segment in Segment.objects.filter(workspace=workspace).only("definition"):
        if _conditions_rename(segment.definition, old, new):
            segment.save(update_fields=["definition", "updated_at"])
    # Remembered and draft import mappings name the field as a target too.
    old_target, new_target = ATTRIBUTE_PREFIX + old, ATTRIBUTE_PREFIX + new
    drafts = Import.objects.filter(workspace=workspace, status=ImportStatus.DRAFT)
    holders: list[ImportMapping | Import] = [
        *ImportMapping.objects.filter(workspace=workspace),
        *drafts,
    ]
    for holder in holders:
        if old_target in holder.mapping.values():
            holder.mapping = {
                c: new_target if t == old_target else t for c, t in holder.mapping.items()
            }
            holder.save(update_fields=["mapping", "updated_at"])


def _conditions_rename(node: Any, old: str, new: str) -> bool:
    """Rename attribute conditions in a definition tree in place; whether any changed."""
    if not isinstance(node, dict):
        return False
    if node.get("type") == "attribute" and node.get("name") == old:
        node["name"] = new
        return True
    children = node.get("conditions")
    if not isinstance(children, list):
        return False
    changed = [_conditions_rename(child, old, new) for child in children]  # all, not the first
    return any(changed)


@transaction.atomic
def custom_field_delete(*, field: CustomField) -> None:
    """Delete a field's definition; stored values stay on the subscribers, its index goes."""
    field.delete()
    _indexes_changed()


def _indexes_changed() -> None:
    from postroom.audience.tasks import attribute_indexes_build

    transaction.on_commit(attribute_indexes_build)
