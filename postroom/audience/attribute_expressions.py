"""Typed views of one custom attribute in SQL, shared by segments and attribute indexes.

JSON orders every boolean above every number and every string below, so a plain
comparison of `attributes -> 'age'` with 30 would count `true` as at least 30.
These expressions are NULL unless the stored value has the field's type. That
also makes them what an index can hold: `attribute_indexes` creates its
PostgreSQL indexes on exactly `pg_sql`, so the planner matches a segment's
condition to the index.
"""

from typing import Any

from django.db.models import DecimalField, Field, Func, TextField
from django.db.models.sql.compiler import SQLCompiler


def pg_literal(name: str) -> str:
    """A custom field's name as an SQL string literal (names are slugs; quotes doubled anyway)."""
    return "'" + name.replace("'", "''") + "'"


class _TypedAttribute(Func):
    pg_type = ""  # jsonb_typeof() of the values that count
    pg_value = ""  # the value from `%(attributes)s -> %(key)s`, given it has that type
    sqlite_types = ""  # json_type() of the values that count
    sqlite_cast = ""

    def __init__(self, name: str, column: str = "attributes") -> None:
        self.name = name
        super().__init__(column)

    @classmethod
    def pg_sql(cls, name: str, column: str) -> str:
        key = pg_literal(name)
        value = cls.pg_value % {"attributes": column, "key": key}
        return f"(CASE WHEN jsonb_typeof({column} -> {key}) = '{cls.pg_type}' THEN {value} END)"

    def as_postgresql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        # %(expressions)s is the compiled column; the rest holds no parameter.
        template = self.pg_sql(self.name, "%(expressions)s")
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> Any:
        value = (
            f"CASE WHEN json_type(%(expressions)s, %%s) IN ({self.sqlite_types})"
            " THEN json_extract(%(expressions)s, %%s) END"
        )
        template = f"CAST({value} AS {self.sqlite_cast})" if self.sqlite_cast else f"({value})"
        sql, params = self.as_sql(compiler, connection, template=template, **extra)
        path = '$."' + self.name.replace('"', '""') + '"'
        return sql, (*params, path, path)


class AttributeNumber(_TypedAttribute):
    """`attributes[name]` as a number; NULL when the stored value is not a JSON number."""

    output_field: Field = DecimalField()
    pg_type = "number"
    pg_value = "(%(attributes)s -> %(key)s)::numeric"
    sqlite_types = "'integer', 'real'"
    sqlite_cast = "REAL"  # an affinity, so a decimal parameter (sent as text) compares as one


class AttributeText(_TypedAttribute):
    """`attributes[name]` as text; NULL when it is not a JSON string (dates are ISO strings)."""

    output_field: Field = TextField()
    pg_type = "string"
    pg_value = "(%(attributes)s ->> %(key)s)"
    sqlite_types = "'text'"
