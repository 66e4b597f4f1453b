"""Inserting many rows at once: COPY on PostgreSQL, Django's bulk_create elsewhere."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def rows_insert(model: type[models.Model], objects: Sequence[Any], fields: Sequence[str]) -> None:
    """Insert `objects` (instances of `model`, or any objects with its fields' attribute names),
    setting only `fields`; no ids come back.

    COPY skips most of what an INSERT costs per row on both sides; the rows are
    plain (no signals, no returned primary keys), which is what bulk writers want.
    """
    if not objects:
        return
    columns = [field for field in model._meta.concrete_fields if field.name in fields]
    if connection.vendor != "postgresql":
        instances = [
            obj
            if isinstance(obj, model)
            else model(**{field.attname: getattr(obj, field.attname) for field in columns})
            for obj in objects
        ]
        model._default_manager.bulk_create(instances, batch_size=1000)
        return
    names = ", ".join(connection.ops.quote_name(str(field.column)) for field in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    attnames = [field.attname for field in columns]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([getattr(obj, name) for name in attnames])
