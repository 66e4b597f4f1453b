"""Inserting many rows at once: COPY on PostgreSQL, Django's bulk_create elsewhere."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def rows_insert(model: type[models.Model], objects: Sequence[Any], fields: Sequence[str]) -> None:
    """Insert `objects` (unsaved instances of `model`) setting only `fields` (no ids back).

    COPY skips most of what an INSERT costs per row on both sides; the rows are
    plain (no signals, no returned primary keys), which is what bulk writers want.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=1000)
        return
    columns = [field for field in model._meta.concrete_fields if field.name in fields]
    names = ", ".join(connection.ops.quote_name(str(field.column)) for field in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    attnames = [field.attname for field in columns]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([getattr(obj, name) for name in attnames])
