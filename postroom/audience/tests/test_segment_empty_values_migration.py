"""Segments saved with an empty text value (the old "+ group" pre-fill) still compile, to the same people."""

from importlib import import_module

import pytest
from django.apps import apps

from postroom.audience.models import Segment, Subscriber
from postroom.audience.segments import segment_q
from postroom.audience.tests.factories import SubscriberFactory

migration = import_module("postroom.audience.migrations.0011_segment_empty_text_values")


@pytest.mark.django_db
def test_it_rewrites_empty_text_conditions_to_the_same_audience(owner):
    # given subscribers and segments saved before empty values were refused
    workspace = owner.workspace
    ann = SubscriberFactory(workspace=workspace, email="ann@example.com", full_name="Ann")
    bob = SubscriberFactory(workspace=workspace, email="bob@example.org", full_name="")

    def saved(conditions, match="all"):
        return Segment.objects.create(
            workspace=workspace, name="s", definition={"match": match, "conditions": conditions}
        )

    everybody = saved(
        [
            {
                "match": "all",
                "conditions": [{"type": "field", "field": "email", "op": "contains", "value": ""}],
            },
            {"type": "field", "field": "email", "op": "ends_with", "value": "@example.com"},
        ],
        match="any",
    )
    unnamed = saved([{"type": "field", "field": "full_name", "op": "eq", "value": " "}])
    named = saved([{"type": "field", "field": "full_name", "op": "neq", "value": ""}])
    nobody = saved([{"type": "field", "field": "email", "op": "not_contains", "value": ""}])

    # when the migration runs
    migration.forwards(apps, None)

    # then each compiles and matches whom its empty value matched before
    def members(segment):
        segment.refresh_from_db()
        q = segment_q(segment.definition, workspace_id=workspace.pk)
        return set(Subscriber.objects.filter(q, workspace=workspace))

    assert members(everybody) == {ann, bob}
    assert members(unnamed) == {bob}
    assert members(named) == {ann}
    assert members(nobody) == set()
