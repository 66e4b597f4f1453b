"""Writing a batch of checked, de-duplicated records.

Set-based on PostgreSQL (COPY and one upsert), batched ORM calls elsewhere.

Both loaders keep the same rules: "add" never touches an existing subscriber;
"update" fills in non-empty values and merges attributes; existing
subscriptions are never changed (an unsubscribed person stays unsubscribed),
missing ones are created with the import's status and a history event.

A file with an external id column goes through the ORM loader on either
database: a row is matched by its external id first, then by its email, and
"update" gives a matched subscriber the identifier they lack (never one another
subscriber holds, never over one they have).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from postroom.audience.imports.rows import Record
from postroom.audience.models import (
    ImportMode,
    Subscriber,
    Subscription,
    SubscriptionEvent,
    SubscriptionSource,
    SubscriptionStatus,
)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Target:
    workspace_id: int
    mode: str
    list_ids: tuple[int, ...]
    subscription_status: str
    # Field defaults: for new subscribers only, never written over stored values.
    defaults: dict[str, Any] = field(default_factory=dict)
    # Rows carry external ids (some may have no email): matched in the ORM loader.
    by_external_id: bool = False


class OrmLoader:
    batch_size = 2_000  # SQLite caps the variables of one statement

    def __init__(self, target: Target) -> None:
        self.target = target

    @transaction.atomic
    def load(self, records: Sequence[Record]) -> BatchResult:
        t = self.target
        now = timezone.now()
        found = _Existing(t.workspace_id, records)
        matched = [(r, found.match(r)) for r in records]
        existing = {s.pk: s for _r, s in matched if s is not None}
        result = BatchResult()
        new = [
            Subscriber(
                workspace_id=t.workspace_id,
                email=r.email or None,
                external_id=r.external_id or None,
                full_name=r.full_name,
                comment=r.comment,
                time_zone=r.time_zone,
                language=r.language,
                attributes={**t.defaults, **r.attributes},
                source=SubscriptionSource.IMPORT,
            )
            for r, old in matched
            if old is None
        ]
        Subscriber.objects.bulk_create(new)
        result.created = len(new)
        changed_ids: set[int] = set()
        if t.mode == ImportMode.UPDATE:
            changed = []
            for r, old in matched:
                if old is not None and _merge(old, r, found):
                    old.updated_at = now
                    changed.append(old)
                    changed_ids.add(old.pk)
            _update(changed, now)
        touched = self._subscribe(found, records, now)
        result.updated = len(changed_ids | (touched & set(existing)))
        result.unchanged = len(existing) - result.updated
        return result

    def _subscribe(self, found: "_Existing", records: Sequence[Record], now: datetime) -> set[int]:
        t = self.target
        if not t.list_ids:
            return set()
        ids = found.ids_of(records)
        have = set(
            Subscription.objects.filter(
                subscriber_id__in=ids, mailing_list_id__in=t.list_ids
            ).values_list("subscriber_id", "mailing_list_id")
        )
        subscribed = t.subscription_status == SubscriptionStatus.SUBSCRIBED
        new = [
            Subscription(
                workspace_id=t.workspace_id,
                subscriber_id=sid,
                mailing_list_id=lid,
                status=t.subscription_status,
                source=SubscriptionSource.IMPORT,
                subscribed_at=now if subscribed else None,
            )
            for sid in ids
            for lid in t.list_ids
            if (sid, lid) not in have
        ]
        created = Subscription.objects.bulk_create(new)
        SubscriptionEvent.objects.bulk_create(
            SubscriptionEvent(
                subscription_id=s.pk, status=s.status, source=SubscriptionSource.IMPORT
            )
            for s in created
        )
        return {s.subscriber_id for s in new}


# Every merged subscriber of a batch in one statement, the values as arrays.
_UPDATE_MERGED = """
UPDATE audience_subscriber AS s SET
    email = v.email, external_id = v.external_id, full_name = v.full_name,
    comment = v.comment, time_zone = v.time_zone, language = v.language,
    attributes = v.attributes::jsonb, updated_at = %s
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
            %s::text[], %s::text[])
    AS v(id, email, external_id, full_name, comment, time_zone, language, attributes)
WHERE s.id = v.id
"""


def _update(changed: list[Subscriber], now: datetime) -> None:
    """Write the merged subscribers: one statement on PostgreSQL, one UPDATE each elsewhere.

    Not `bulk_update`: its CASE with a branch per row and field took Django
    about a millisecond a row to build, minutes for a file of 50,000 changes.
    """
    if not changed:
        return
    if connection.vendor == "postgresql":
        columns = list(
            zip(
                *(
                    (
                        s.pk,
                        s.email,
                        s.external_id,
                        s.full_name,
                        s.comment,
                        s.time_zone,
                        s.language,
                        orjson.dumps(s.attributes).decode(),
                    )
                    for s in changed
                ),
                strict=True,
            )
        )
        with connection.cursor() as cursor:
            cursor.execute(_UPDATE_MERGED, [now, *map(list, columns)])
        return
    for s in changed:
        Subscriber.objects.filter(pk=s.pk).update(
            email=s.email,
            external_id=s.external_id,
            full_name=s.full_name,
            comment=s.comment,
            time_zone=s.time_zone,
            language=s.language,
            attributes=s.attributes,
            updated_at=now,
        )


class _Existing:
    """The workspace's subscribers a batch names, by email and by external id."""

    def __init__(self, workspace_id: int, records: Sequence[Record]) -> None:
        self.workspace_id = workspace_id
        emails = [r.email for r in records if r.email]
        externals = [r.external_id for r in records if r.external_id]
        stored = Subscriber.objects.filter(workspace_id=workspace_id).filter(
            Q(email__in=emails) | Q(external_id__in=externals)
        )
        self.by_email: dict[str, Subscriber] = {}
        self.by_external: dict[str, Subscriber] = {}
        for s in stored:
            if s.email:
                self.by_email[s.email] = s
            if s.external_id:
                self.by_external[s.external_id] = s

    def match(self, r: Record) -> Subscriber | None:
        """The stored subscriber a record names: by its external id, else by its email."""
        return (r.external_id and self.by_external.get(r.external_id)) or (
            (r.email and self.by_email.get(r.email)) or None
        )

    def ids_of(self, records: Sequence[Record]) -> list[int]:
        """The ids of the records' subscribers, those just created included."""
        emails = [r.email for r in records if r.email]
        externals = [r.external_id for r in records if r.external_id]
        return list(
            Subscriber.objects.filter(workspace_id=self.workspace_id)
            .filter(Q(email__in=emails) | Q(external_id__in=externals))
            .values_list("id", flat=True)
        )


def _merge(old: Subscriber, r: Record, found: _Existing | None = None) -> bool:
    """Fill `old` from the record (non-empty values win, attributes merge); True if it changed.

    An identifier `old` lacks is taken from the record unless another stored
    subscriber holds it; one `old` has is never replaced.
    """
    before = (
        old.email,
        old.external_id,
        old.full_name,
        old.comment,
        old.time_zone,
        old.language,
        old.attributes,
    )
    if found is not None:
        if old.email is None and r.email and r.email not in found.by_email:
            old.email = r.email
        if old.external_id is None and r.external_id and r.external_id not in found.by_external:
            old.external_id = r.external_id
    old.full_name = r.full_name or old.full_name
    old.comment = r.comment or old.comment
    old.time_zone = r.time_zone or old.time_zone
    old.language = r.language or old.language
    old.attributes = {**old.attributes, **r.attributes}
    return before != (
        old.email,
        old.external_id,
        old.full_name,
        old.comment,
        old.time_zone,
        old.language,
        old.attributes,
    )


_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS postroom_import_batch (
    email text, full_name text, comment text, time_zone text, language text, attributes jsonb
) ON COMMIT DELETE ROWS
"""

_MERGED = """
    COALESCE(NULLIF(st.full_name, ''), s.full_name),
    COALESCE(NULLIF(st.comment, ''), s.comment),
    COALESCE(NULLIF(st.time_zone, ''), s.time_zone),
    COALESCE(NULLIF(st.language, ''), s.language),
    s.attributes || st.attributes
"""

# Only the constant _MERGED is interpolated; values travel as parameters.
_UPDATE_EXISTING = f"""
UPDATE audience_subscriber AS s SET
    (full_name, comment, time_zone, language, attributes) = ({_MERGED}),
    updated_at = %(now)s
FROM postroom_import_batch AS st
WHERE s.workspace_id = %(ws)s AND s.email = st.email
  AND (s.full_name, s.comment, s.time_zone, s.language, s.attributes) IS DISTINCT FROM ({_MERGED})
RETURNING s.id
"""  # noqa: S608

# The lists of the import, checked to be the workspace's in the statement itself.
_LISTS = """
    SELECT id FROM audience_mailinglist WHERE workspace_id = %(ws)s AND id = ANY(%(lists)s::bigint[])
"""

# New subscribers, their subscriptions and the subscriptions' first events in one
# statement, with the ids of the new subscribers from RETURNING: no lookup of
# staged addresses in the subscriber table, whose size grows with every batch.
# ON_CONFLICT is left out (every staged address must be new, else the statement
# fails on the unique constraint) or skips the addresses already stored.
# NEW_ATTRIBUTES is the staged attributes, over the import's field defaults if any.
_INSERT_AND_SUBSCRIBE = f"""
WITH new_subscribers AS (
    INSERT INTO audience_subscriber
        (workspace_id, email, full_name, comment, time_zone, language, attributes, source,
         status, created_at, updated_at)
    SELECT %(ws)s, email, full_name, comment, time_zone, language, NEW_ATTRIBUTES,
           'import', 'active', %(now)s, %(now)s
    FROM postroom_import_batch
    ON_CONFLICT
    RETURNING id
), subscriptions AS (
    -- Nobody else can have subscribed a subscriber this statement creates, so
    -- no conflict check (a speculative insertion costs a probe and a record more).
    INSERT INTO audience_subscription
        (workspace_id, subscriber_id, mailing_list_id, status, source, subscribed_at,
         created_at, updated_at)
    SELECT %(ws)s, n.id, l.id, %(status)s, 'import',
           CASE WHEN %(status)s = 'subscribed' THEN %(now)s END, %(now)s, %(now)s
    FROM new_subscribers n CROSS JOIN ({_LISTS}) AS l
    RETURNING id, status
), events AS (
    INSERT INTO audience_subscriptionevent (subscription_id, status, source, created_at)
    SELECT id, status, 'import', %(now)s FROM subscriptions
)
SELECT count(*) FROM new_subscribers
"""  # noqa: S608
_INSERT_NEW = _INSERT_AND_SUBSCRIBE.replace("ON_CONFLICT", "")
_INSERT_OR_SKIP = _INSERT_AND_SUBSCRIBE.replace(
    "ON_CONFLICT", "ON CONFLICT (workspace_id, email) DO NOTHING"
)

# Subscriptions of the staged addresses that were already known (or that another
# transaction added meanwhile), only run when a batch has such addresses. A join,
# not a probe per address: with statistics that do not know the workspace yet,
# the planner would probe with an index on the workspace alone.
_SUBSCRIBE_REST = f"""
WITH new_subscriptions AS (
    INSERT INTO audience_subscription
        (workspace_id, subscriber_id, mailing_list_id, status, source, subscribed_at,
         created_at, updated_at)
    SELECT %(ws)s, s.id, l.id, %(status)s, 'import',
           CASE WHEN %(status)s = 'subscribed' THEN %(now)s END, %(now)s, %(now)s
    FROM postroom_import_batch st
    JOIN audience_subscriber s ON s.workspace_id = %(ws)s AND s.email = st.email
    CROSS JOIN ({_LISTS}) AS l
    ON CONFLICT (subscriber_id, mailing_list_id) DO NOTHING
    RETURNING id, subscriber_id, status
), events AS (
    INSERT INTO audience_subscriptionevent (subscription_id, status, source, created_at)
    SELECT id, status, 'import', %(now)s FROM new_subscriptions
)
SELECT DISTINCT subscriber_id FROM new_subscriptions
"""  # noqa: S608


@dataclass(frozen=True)
class Staged:
    """A batch encoded for COPY (text format), ready to be written by any thread."""

    rows: int
    text: str


_COPY = "COPY postroom_import_batch FROM STDIN"
_COLUMNS = 6
# COPY's text format: a backslash, a tab, a line feed or a carriage return in a
# value is written as an escape. An empty value stays an empty string (NULL is \N).
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows: Sequence[tuple[str, ...]]) -> str:
    """`rows` as COPY text; values are escaped only in a batch that has something to escape.

    Joining is most of the cost, so the batch is joined as is first: when it
    holds exactly the separators the joins put in and no backslash or carriage
    return, no value needed an escape.
    """
    text = "\n".join(["\t".join(row) for row in rows]) + "\n"
    if (
        text.count("\t") == len(rows) * (_COLUMNS - 1)
        and text.count("\n") == len(rows)
        and "\\" not in text
        and "\r" not in text
    ):
        return text
    return "".join("\t".join([value.translate(_ESCAPES) for value in row]) + "\n" for row in rows)


class PostgresLoader:
    """COPY into a session-local staging table, then one upsert and one subscription insert.

    `stage` encodes a batch in the caller's thread; `write` then holds the GIL
    only briefly, so a writer thread does not slow the parser down, nor the
    parser the writer.
    """

    batch_size = 20_000
    concurrent = True  # `write` may run in a writer thread on its own connection

    def __init__(self, target: Target) -> None:
        self.target = target
        # Shared by the writer threads; a stale True costs one more failed attempt.
        self._all_new = True
        # The defaults travel once, as a parameter: merging an empty object
        # into every row's attributes cost PostgreSQL about a microsecond a row.
        merged = "%(defaults)s::jsonb || attributes" if target.defaults else "attributes"
        self._insert_new = _INSERT_NEW.replace("NEW_ATTRIBUTES", merged)
        self._insert_or_skip = _INSERT_OR_SKIP.replace("NEW_ATTRIBUTES", merged)

    def load(self, records: Sequence[Record]) -> BatchResult:
        return self.write(self.stage(records))

    def stage(self, records: Sequence[Record]) -> Staged:
        dumps = orjson.dumps
        rows = [
            (r.email, r.full_name, r.comment, r.time_zone, r.language, dumps(r.attributes).decode())
            for r in records
        ]
        return Staged(rows=len(records), text=_copy_text(rows) if rows else "")

    def write(self, staged: Staged) -> BatchResult:
        """Load a staged batch in its own transaction (a savepoint inside an outer one).

        Until a batch meets an address that is already stored, batches are
        inserted without ON CONFLICT: a speculative insertion costs a probe of
        the unique index, a token and a second WAL record per row, a third of
        the subscriber insert. A batch that does meet one fails on the unique
        constraint, is rolled back whole and loaded again with the conflict
        check, as are all later batches of the import (a second import of the
        same file pays one failed statement, not one per batch).
        """
        if self._all_new:
            try:
                return self._write(staged, insert=self._insert_new)
            except IntegrityError:
                self._all_new = False
        return self._write(staged, insert=self._insert_or_skip)

    @transaction.atomic
    def _write(self, staged: Staged, *, insert: str) -> BatchResult:
        t = self.target
        params: dict[str, Any] = {
            "ws": t.workspace_id,
            "now": timezone.now(),
            "status": t.subscription_status,
            "lists": list(t.list_ids),
            "defaults": orjson.dumps(t.defaults).decode(),
        }
        with connection.cursor() as cursor:
            # A lost batch after a server crash is re-imported by running the file
            # again (imports are idempotent); not waiting for each WAL flush is
            # what lets the database keep up with the parser.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(_STAGE)
            # Emptied at commit, but a batch may run inside an outer transaction.
            cursor.execute("TRUNCATE postroom_import_batch")
            with cursor.cursor.copy(_COPY) as copy:
                copy.write(staged.text)
            updated: set[int] = set()
            if t.mode == ImportMode.UPDATE:
                cursor.execute(_UPDATE_EXISTING, params)
                updated = {i for (i,) in cursor.fetchall()}
            cursor.execute(insert, params)
            (created,) = cursor.fetchone()
            if created < staged.rows and t.list_ids:
                cursor.execute(_SUBSCRIBE_REST, params)
                updated.update(i for (i,) in cursor.fetchall())
        return BatchResult(
            created=created,
            updated=len(updated),
            unchanged=staged.rows - created - len(updated),
        )


def loader_for(target: Target) -> OrmLoader | PostgresLoader:
    if connection.vendor == "postgresql" and not target.by_external_id:
        return PostgresLoader(target)
    return OrmLoader(target)
