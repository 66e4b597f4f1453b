"""The dashboard's cache keys: invalidation needs no app above core."""

import pytest

from postroom.core.dashboard import dashboard_cache_key, dashboard_invalidate

# The cache is the database's when there is no Redis.
pytestmark = pytest.mark.django_db


def test_the_key_stays_until_the_workspace_is_invalidated():
    before = dashboard_cache_key(workspace_id=91)

    assert dashboard_cache_key(workspace_id=91) == before
    dashboard_invalidate(workspace_id=91)

    assert dashboard_cache_key(workspace_id=91) != before


def test_invalidating_one_workspace_leaves_the_others_keys():
    other = dashboard_cache_key(workspace_id=93)

    dashboard_invalidate(workspace_id=92)

    assert dashboard_cache_key(workspace_id=93) == other


def test_invalidating_before_any_read_still_changes_the_key():
    dashboard_invalidate(workspace_id=94)
    first = dashboard_cache_key(workspace_id=94)
    dashboard_invalidate(workspace_id=94)

    assert dashboard_cache_key(workspace_id=94) != first
