"""Indexed custom fields: the setting in the app and the API, and the PostgreSQL indexes it keeps."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from postroom.accounts.roles import Role
from postroom.audience.attribute_indexes import (
    _LOCK_ID,
    MAX_PER_WORKSPACE,
    PREFIX,
    attribute_index_states,
    attribute_indexes_sync,
    wanted_indexes,
)
from postroom.audience.models import CustomField, Subscriber
from postroom.audience.segments import segment_q
from postroom.audience.services.custom_fields import custom_field_delete, custom_field_save
from postroom.audience.tests.factories import CustomFieldFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="attribute indexes are PostgreSQL's"
)


def _indexes() -> dict[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, i.indisvalid FROM pg_index i
               JOIN pg_class c ON c.oid = i.indexrelid
               WHERE i.indrelid = 'audience_subscriber'::regclass AND c.relname LIKE %s""",
            [PREFIX + "%"],
        )
        return dict(cursor.fetchall())


def _plan(workspace, condition) -> str:
    """The plan of a segment's count with sequential scans priced out: uses an index if it can."""
    query = Subscriber.objects.filter(workspace=workspace).filter(
        segment_q({"conditions": [condition]}, workspace_id=workspace.pk)
    )
    sql, params = query.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) AS matched", params)  # noqa: S608
        return "\n".join(row[0] for row in cursor.fetchall())


def _sync() -> dict[str, list[str]]:
    done = attribute_indexes_sync()
    assert done is not None, "another sync held the lock"
    return done


def _index_of(field: CustomField) -> str:
    return wanted_indexes([field])[field.pk][0]


def test_yes_no_fields_cannot_be_indexed(owner):
    with pytest.raises(Exception, match="cannot be indexed"):
        custom_field_save(
            workspace=owner.workspace, name="vip", label="VIP", type="boolean", indexed=True
        )


@postgres_only
def test_segment_conditions_on_an_indexed_field_use_its_index(owner):
    ws = owner.workspace
    fields = {
        "city": custom_field_save(
            workspace=ws, name="city", label="City", type="text", indexed=True
        ),
        "age": custom_field_save(
            workspace=ws, name="age", label="Age", type="number", indexed=True
        ),
        "born": custom_field_save(
            workspace=ws, name="born", label="Born", type="date", indexed=True
        ),
    }
    # Enough varied rows that a selective index beats scanning another one whole.
    Subscriber.objects.bulk_create(
        Subscriber(
            workspace=ws,
            email=f"p{i}@example.com",
            attributes={"city": f"City {i}", "age": i % 90, "born": f"19{i % 100:02d}-01-02"},
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audience_subscriber")

    assert sorted(_sync()["created"]) == sorted(_index_of(f) for f in fields.values())
    assert attribute_index_states(workspace_id=ws.pk) == dict.fromkeys(
        (f.pk for f in fields.values()), "ready"
    )
    conditions = [
        ("city", {"type": "attribute", "name": "city", "op": "eq", "value": "CITY 7"}),
        ("city", {"type": "attribute", "name": "city", "op": "starts_with", "value": "city 12"}),
        ("age", {"type": "attribute", "name": "age", "op": "gte", "value": 88}),
        ("age", {"type": "attribute", "name": "age", "op": "eq", "value": 40}),
        ("born", {"type": "attribute", "name": "born", "op": "lt", "value": "1902-01-01"}),
    ]
    for name, condition in conditions:
        assert _index_of(fields[name]) in _plan(ws, condition), condition


@postgres_only
def test_the_indexes_follow_the_fields(owner, other_owner):
    ws = owner.workspace
    city = custom_field_save(workspace=ws, name="city", label="City", type="text", indexed=True)
    theirs = custom_field_save(
        workspace=other_owner.workspace, name="city", label="City", type="text", indexed=True
    )
    attribute_indexes_sync()
    first = _index_of(city)

    city = custom_field_save(workspace=ws, field=city, type="number")  # retyped: rebuilt
    attribute_indexes_sync()
    assert first not in _indexes() and _index_of(city) in _indexes()

    city = custom_field_save(workspace=ws, field=city, indexed=False)
    attribute_indexes_sync()
    assert set(_indexes()) == {_index_of(theirs)}

    custom_field_delete(field=theirs)
    attribute_indexes_sync()
    assert _indexes() == {}


@postgres_only
def test_an_index_left_invalid_by_a_failed_build_is_built_again(owner):
    field = custom_field_save(
        workspace=owner.workspace, name="city", label="City", type="text", indexed=True
    )
    attribute_indexes_sync()
    with connection.cursor() as cursor:  # what a failed CREATE INDEX CONCURRENTLY leaves
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass",
            [_index_of(field)],
        )
    assert attribute_index_states(workspace_id=owner.workspace.pk) == {field.pk: "building"}

    done = attribute_indexes_sync()

    assert done == {"dropped": [_index_of(field)], "created": [_index_of(field)]}
    assert _indexes() == {_index_of(field): True}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_and_drops_indexes_concurrently(owner):
    """Outside a transaction (the worker) indexes are built without blocking writes."""
    field = CustomFieldFactory(workspace=owner.workspace, name="city", type="text", indexed=True)
    SubscriberFactory(workspace=owner.workspace, attributes={"city": "Oslo"})

    with CaptureQueriesContext(connection) as queries:
        assert _sync()["created"] == [_index_of(field)]
    assert _indexes() == {_index_of(field): True}
    assert any(q["sql"].startswith("CREATE INDEX CONCURRENTLY") for q in queries.captured_queries)

    name = _index_of(field)
    field.delete()
    assert _sync()["dropped"] == [name]


def test_a_field_is_indexed_from_its_page(login, owner, member, django_capture_on_commit_callbacks):
    field = CustomFieldFactory(workspace=owner.workspace, name="city", type="text")
    client = login(owner.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("field_index_toggle", args=[field.pk]), {"indexed": "1"})
        client.post(reverse("field_index_toggle", args=[field.pk]), {"indexed": "1"})  # twice
    page = client.get(reverse("field_index")).content.decode()

    field.refresh_from_db()
    assert field.indexed and "Stop indexing" in page
    if connection.vendor == "postgresql":  # built by the job the change queued
        assert _index_of(field) in _indexes()

    client.post(reverse("field_index_toggle", args=[field.pk]), {"indexed": "0"})
    field.refresh_from_db()
    assert not field.indexed

    viewer = login(member(Role.VIEWER, workspace=owner.workspace).user)  # the same client
    response = viewer.post(reverse("field_index_toggle", args=[field.pk]), {"indexed": "1"})
    field.refresh_from_db()
    assert response.status_code == 403 and not field.indexed


def test_another_workspaces_field_cannot_be_indexed(login, owner, other_owner):
    theirs = CustomFieldFactory(workspace=other_owner.workspace, name="city", type="text")

    response = login(owner.user).post(
        reverse("field_index_toggle", args=[theirs.pk]), {"indexed": "1"}
    )

    theirs.refresh_from_db()
    assert response.status_code == 404 and not theirs.indexed


def test_the_api_sets_indexed_and_reports_the_index(api, owner):
    client = api(owner.user)

    created = client.post(
        "/api/v1/custom-fields/",
        {"name": "city", "label": "City", "type": "text", "indexed": True},
        format="json",
    )
    refused = client.post(
        "/api/v1/custom-fields/",
        {"name": "vip", "label": "VIP", "type": "boolean", "indexed": True},
        format="json",
    )

    assert created.status_code == 201 and created.json()["indexed"] is True
    # Not built yet inside this test's transaction; SQLite has no index at all.
    expected = "building" if connection.vendor == "postgresql" else None
    assert created.json()["index_state"] == expected
    assert refused.status_code == 400 and "indexed" in refused.json()["error"]["fields"]


def test_a_workspace_indexes_a_limited_number_of_fields(owner):
    for i in range(MAX_PER_WORKSPACE):
        CustomFieldFactory(workspace=owner.workspace, name=f"f{i}", type="text", indexed=True)

    with pytest.raises(Exception, match="At most"):
        custom_field_save(
            workspace=owner.workspace, name="one_more", label="X", type="text", indexed=True
        )


def test_a_field_name_needs_a_letter(owner):
    """An all-digit key would be read as a position in a JSON list by lookups."""
    with pytest.raises(Exception, match="at least one letter"):
        custom_field_save(workspace=owner.workspace, name="2024", label="Year", type="text")


def test_long_text_values_are_stored_and_matched_in_indexed_fields(owner):
    """An index entry has a size limit; the value may be far longer, and still matches whole."""
    ws = owner.workspace
    field = custom_field_save(workspace=ws, name="notes", label="Notes", type="text", indexed=True)
    attribute_indexes_sync()
    long = "Ф" * 3000  # 6,000 bytes
    SubscriberFactory(workspace=ws, email="long@example.com", attributes={"notes": long})
    SubscriberFactory(workspace=ws, email="longer@example.com", attributes={"notes": long + "x"})

    def emails(op, value):
        condition = {"type": "attribute", "name": field.name, "op": op, "value": value}
        return sorted(
            Subscriber.objects.filter(workspace=ws)
            .filter(segment_q({"conditions": [condition]}, workspace_id=ws.pk))
            .values_list("email", flat=True)
        )

    SubscriberFactory(workspace=ws, email="paris@example.com", attributes={"notes": "Paris"})
    SubscriberFactory(
        workspace=ws, email="paris600@example.com", attributes={"notes": "Paris" + "x" * 600}
    )

    assert emails("eq", "pARIS") == ["paris@example.com"]
    assert emails("starts_with", "par") == ["paris600@example.com", "paris@example.com"]
    assert emails("eq", long.lower()) == ["long@example.com"]
    assert emails("starts_with", long) == ["long@example.com", "longer@example.com"]
    assert emails("starts_with", long + "X") == ["longer@example.com"]


def test_a_sync_does_not_wait_for_another(owner):
    """Two syncs would deadlock (a concurrent build waits for the waiting one): the second gives up."""
    if connection.vendor != "postgresql":
        pytest.skip("attribute indexes are PostgreSQL's")
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_ID])
        assert attribute_indexes_sync() is None
    finally:
        other.close()
