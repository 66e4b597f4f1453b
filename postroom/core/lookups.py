"""`field__any=[...]`: membership in a long list of values, as one parameter on PostgreSQL.

`field__in` writes a placeholder per value. With thousands of them (a batch of
tracking hits) psycopg re-parses the whole statement on every call, since
statements that long are not cached, and that cost more than the query.
`= ANY(%s)` sends the values as one array. Other databases get `IN (...)`.
"""

from typing import Any

from django.db.models import Field, ForeignObject, Lookup


class Any_(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [self.lhs.output_field.get_db_prep_value(v, connection) for v in self.rhs]
        if not values:
            return "1 = 0", ()
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", (*lhs_params, *values)


Field.register_lookup(Any_)
ForeignObject.register_lookup(Any_)  # foreign keys keep lookups of their own
