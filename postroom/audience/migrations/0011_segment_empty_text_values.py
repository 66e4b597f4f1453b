"""Segments saved with an empty text value keep matching whom they matched.

The builder used to pre-fill "+ group" with `email contains ''`, which matched
everybody; empty values are now refused, so such saved segments would stop
compiling (and their campaigns stop launching). Each such condition becomes
the same set written with the empty / not-empty operators (subscriber fields
are never NULL, so "is empty or is not empty" is everybody).
"""

from django.db import migrations

_EVERYBODY = ("contains", "starts_with", "ends_with")


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _rewrite(node):
    if not isinstance(node, dict):
        return node
    if "type" not in node:
        conditions = node.get("conditions")
        if isinstance(conditions, list):
            return {**node, "conditions": [_rewrite(c) for c in conditions]}
        return node
    if node.get("type") != "field" or not _blank(node.get("value")):
        return node
    field, op = node.get("field"), node.get("op")

    def cond(new_op):
        return {"type": "field", "field": field, "op": new_op}

    if op in _EVERYBODY:
        return {"match": "any", "conditions": [cond("is_empty"), cond("is_not_empty")]}
    if op == "not_contains":
        return {"match": "all", "conditions": [cond("is_empty"), cond("is_not_empty")]}
    if op == "eq":
        return cond("is_empty")
    if op == "neq":
        return cond("is_not_empty")
    return node


def forwards(apps, schema_editor):
    Segment = apps.get_model("audience", "Segment")
    for segment in Segment.objects.only("id", "definition").iterator():
        definition = _rewrite(segment.definition)
        if definition != segment.definition:
            Segment.objects.filter(pk=segment.pk).update(definition=definition)


class Migration(migrations.Migration):
    dependencies = [("audience", "0010_import_mapping")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
