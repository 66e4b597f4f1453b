"""PostgreSQL indexes on the custom fields a workspace marks as indexed.

Attributes live in one JSON column, so a segment condition on one of them is
evaluated row by row. A field marked `indexed` gets a partial expression index
over its workspace's subscribers, on the very expression segments compare:

- text and choice: the upper-cased first TEXT_PREFIX characters (case-insensitive
  equality and "starts with", which also compare the whole value; a btree
  entry holds at most about 2.7 KB, so whole values could not be indexed;
  `text_pattern_ops` serves both comparisons under any collation);
- number: `AttributeNumber`; date: `AttributeText` (typed, NULL otherwise).

`attribute_indexes_sync` brings the database in line with the fields: it drops
the indexes no field wants any more (a field deleted, renamed, retyped or no
longer indexed, a workspace deleted) and those a failed build left invalid,
then builds the missing ones, CONCURRENTLY so that imports and sends go on
meanwhile. It runs after a field changes and every hour, and does nothing on
SQLite. An index's name carries a digest of its definition, so any change to
what it should hold gives it a new name.
"""

import hashlib
import logging

from django.db import DatabaseError, connection

from postroom.audience.attribute_expressions import AttributeNumber, AttributeText, pg_literal
from postroom.audience.models import CustomField, FieldType, Subscriber

logger = logging.getLogger(__name__)

PREFIX = "subscriber_attr_"
INDEXABLE = frozenset({FieldType.TEXT, FieldType.CHOICE, FieldType.NUMBER, FieldType.DATE})
# Every index slows every write of the one subscriber table all workspaces share.
MAX_PER_WORKSPACE = 10
TEXT_PREFIX = 500  # characters: at most 2,000 bytes, under a btree entry's limit
_LOCK_ID = 0x706F_7374_6169_7831  # one sync at a time, across processes


def _expression(field: CustomField) -> str:
    if field.type == FieldType.NUMBER:
        return AttributeNumber.pg_sql(field.name, "attributes")
    if field.type == FieldType.DATE:
        return AttributeText.pg_sql(field.name, "attributes")
    return f"upper(left((attributes ->> {pg_literal(field.name)}), {TEXT_PREFIX})) text_pattern_ops"


def wanted_indexes(fields: list[CustomField]) -> dict[int, tuple[str, str]]:
    """By field id: the index name and what follows `CREATE INDEX name` for each indexed field."""
    table = connection.ops.quote_name(Subscriber._meta.db_table)
    wanted = {}
    for field in fields:
        if not field.indexed or field.type not in INDEXABLE:
            continue
        definition = (
            f"ON {table} ({_expression(field)}) WHERE workspace_id = {int(field.workspace_id)}"
        )
        digest = hashlib.blake2b(definition.encode(), digest_size=5).hexdigest()
        wanted[field.pk] = (f"{PREFIX}{field.pk}_{digest}", definition)
    return wanted


def _existing() -> dict[str, bool]:
    """The attribute indexes in the database, by name: valid (usable) or not."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.indisvalid AND i.indisready
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass AND c.relname LIKE %s
            """,
            [Subscriber._meta.db_table, PREFIX.replace("_", r"\_") + "%"],
        )
        return dict(cursor.fetchall())


def attribute_indexes_sync() -> dict[str, list[str]] | None:
    """Drop the attribute indexes nobody wants or that are invalid, build the missing ones.

    Returns the names dropped and created, or None when another sync is at it
    (the caller tries again later). Never waits for that lock: a concurrent
    build waits for every older transaction, a waiting sync's included, so
    two syncs waiting on each other would deadlock. Outside a transaction (the
    worker) indexes are built and dropped CONCURRENTLY; inside one (tests)
    they cannot be.
    """
    done: dict[str, list[str]] = {"dropped": [], "created": []}
    if connection.vendor != "postgresql":
        return done
    concurrently = "" if connection.in_atomic_block else "CONCURRENTLY "
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        scope = "xact_" if connection.in_atomic_block else ""
        cursor.execute(f"SELECT pg_try_advisory_{scope}lock(%s)", [_LOCK_ID])
        if not cursor.fetchone()[0]:
            return None
        try:
            wanted = dict(wanted_indexes(list(CustomField.objects.filter(indexed=True))).values())
            existing = _existing()
            for name, valid in existing.items():
                if name in wanted and valid:
                    continue
                cursor.execute(f"DROP INDEX {concurrently}IF EXISTS {quote(name)}")
                done["dropped"].append(name)
            for name, definition in wanted.items():
                if existing.get(name):
                    continue
                try:
                    cursor.execute(
                        f"CREATE INDEX {concurrently}IF NOT EXISTS {quote(name)} {definition}"
                    )
                except DatabaseError:
                    # A concurrent build that fails leaves an invalid index: the
                    # next sync drops it and tries again.
                    if connection.in_atomic_block:
                        raise
                    logger.exception("building attribute index %s failed", name)
                    continue
                done["created"].append(name)
        finally:
            if not connection.in_atomic_block:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_ID])
    return done


def attribute_index_states(
    *, workspace_id: int, fields: list[CustomField] | None = None
) -> dict[int, str]:
    """By id of each indexed field of the workspace: "ready", or "building" until it is usable.

    `fields`: the workspace's fields when the caller has them already. Empty on
    SQLite, which gets no attribute indexes.
    """
    if connection.vendor != "postgresql":
        return {}
    if fields is None:
        fields = list(CustomField.objects.filter(workspace_id=workspace_id, indexed=True))
    wanted = wanted_indexes(fields)
    existing = _existing() if wanted else {}
    return {
        field_id: "ready" if existing.get(name) else "building"
        for field_id, (name, _) in wanted.items()
    }
