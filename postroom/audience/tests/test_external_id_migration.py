"""The migration that makes email optional keeps every existing row, and its constraints hold on them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audience", "0011_segment_empty_text_values")]
AFTER = [("audience", "0012_subscriber_external_id_email_optional")]


def test_existing_subscribers_survive_the_migration(owner):
    # given subscribers stored by the schema before contacts without email
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldSubscriber = old_apps.get_model("audience", "Subscriber")
    for i in range(3):
        OldSubscriber.objects.create(
            workspace_id=owner.workspace.pk, email=f"p{i}@example.com", attributes={}
        )

    # when
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    # then every row is there, with its email and no external id
    new_apps = executor.loader.project_state(AFTER).apps
    NewSubscriber = new_apps.get_model("audience", "Subscriber")
    rows = NewSubscriber.objects.filter(workspace_id=owner.workspace.pk).order_by("email")
    assert [(s.email, s.external_id) for s in rows] == [
        ("p0@example.com", None),
        ("p1@example.com", None),
        ("p2@example.com", None),
    ]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
