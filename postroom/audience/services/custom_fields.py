from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.audience.attribute_indexes import INDEXABLE, MAX_PER_WORKSPACE
from postroom.audience.attributes import attribute_value_clean
from postroom.audience.models import CustomField, FieldType


@transaction.atomic
def custom_field_save(
    *, workspace: Workspace, field: CustomField | None = None, **values: Any
) -> CustomField:
    """Create or change a custom field; its default must fit its type, its name be unique."""
    field = field or CustomField(workspace=workspace)
    for name, value in values.items():
        setattr(field, name, value)
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
    field.save()
    _indexes_changed()
    return field


@transaction.atomic
def custom_field_delete(*, field: CustomField) -> None:
    """Delete a field's definition; stored values stay on the subscribers, its index goes."""
    field.delete()
    _indexes_changed()


def _indexes_changed() -> None:
    from postroom.audience.tasks import attribute_indexes_build

    transaction.on_commit(attribute_indexes_build)
