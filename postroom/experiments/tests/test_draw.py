"""The draw: the same bucket from Python and from the database, spread evenly."""

import collections

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from postroom.experiments.draw import BUCKETS, bucket, bucket_ranges, bucket_select, bucket_sql


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), subscriber=st.integers(1, 2**40))
def test_the_database_computes_the_same_bucket(seed, subscriber):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {bucket_sql('t.id', seed)} FROM (SELECT %s AS id) t", [subscriber])  # noqa: S608
        assert cursor.fetchone()[0] == bucket(seed, subscriber)


@pytest.mark.django_db
def test_the_staged_select_computes_the_same_buckets():
    source = "SELECT 7 AS id, 'a' AS email UNION ALL SELECT 123456789 AS id, 'b' AS email"
    sql = bucket_select(source, ["id", "email"], 99, vendor=connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, b FROM ({sql}) t ORDER BY id", [])  # noqa: S608
        assert cursor.fetchall() == [(7, bucket(99, 7)), (123456789, bucket(99, 123456789))]


def test_consecutive_ids_spread_evenly_over_the_buckets():
    tenths = collections.Counter(bucket(42, i) * 10 // BUCKETS for i in range(1, 50_001))
    assert all(4_700 < n < 5_300 for n in tenths.values())


def test_another_seed_draws_other_groups():
    first = {i for i in range(1, 2001) if bucket(1, i) < BUCKETS // 5}
    second = {i for i in range(1, 2001) if bucket(2, i) < BUCKETS // 5}
    assert 0.1 < len(first & second) / len(first) < 0.35  # about a fifth, as chance has it


def test_ranges_split_in_proportion_and_cover_the_range():
    ranges = bucket_ranges(100, 1100, [0.25, 0.25, 0.5])
    assert ranges == [(100, 350), (350, 600), (600, 1100)]
