"""Ill-typed segment definitions are refused at the faulty condition, never with a 500."""

import json

import pytest
from django.urls import reverse

from postroom.audience.models import Segment
from postroom.audience.tests.factories import CustomFieldFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

AGE = {"type": "attribute", "name": "age"}
BORN = {"type": "attribute", "name": "born"}
CITY = {"type": "attribute", "name": "city"}
EMAIL = {"type": "field", "field": "email"}

# (condition, the part of it the error names)
BAD_CONDITIONS = [
    ({**AGE, "op": "eq", "value": ""}, "value"),
    ({**AGE, "op": "gt", "value": "   "}, "value"),
    ({**AGE, "op": "gt"}, "value"),
    ({**AGE, "op": "gt", "value": None}, "value"),
    ({**AGE, "op": "gt", "value": "abc"}, "value"),
    ({**AGE, "op": "gt", "value": "nan"}, "value"),
    ({**AGE, "op": "gt", "value": "Infinity"}, "value"),
    ({**AGE, "op": "gt", "value": "1e400"}, "value"),
    ({**AGE, "op": "gt", "value": "1e999999"}, "value"),
    ({**AGE, "op": "gt", "value": True}, "value"),
    ({**AGE, "op": "gt", "value": [1, 2]}, "value"),
    ({**AGE, "op": "gt", "value": {"a": 1}}, "value"),
    ({**AGE, "op": "between", "value": 3}, "op"),
    ({**AGE, "op": ["gt"], "value": 3}, "op"),
    ({**AGE, "op": {"x": 1}, "value": 3}, "op"),
    ({**AGE, "op": None, "value": 3}, "op"),
    ({**BORN, "op": "lt", "value": "garbage"}, "value"),
    ({**BORN, "op": "lt", "value": "2024-13-45"}, "value"),
    ({**BORN, "op": "lt", "value": ""}, "value"),
    ({**BORN, "op": "lt", "value": 20240101}, "value"),
    ({**BORN, "op": "lt", "value": ["2024-01-01"]}, "value"),
    ({**CITY, "op": "eq", "value": ""}, "value"),
    ({**CITY, "op": "contains", "value": {"a": 1}}, "value"),
    ({**CITY, "op": "in", "value": "Paris"}, "value"),
    ({**CITY, "op": "in", "value": []}, "value"),
    ({**CITY, "op": "in", "value": [{"a": 1}]}, "value"),
    ({**CITY, "op": "eq", "value": "Pa\x00ris"}, "value"),
    ({**EMAIL, "op": "contains", "value": ""}, "value"),
    ({**EMAIL, "op": "eq", "value": [1]}, "value"),
    ({**EMAIL, "op": "starts_with", "value": "a\x00"}, "value"),
    ({**EMAIL, "op": "like", "value": "a"}, "op"),
    ({"type": "field", "field": "domain", "op": "eq", "value": ""}, "value"),
    ({"type": "field", "field": "domain", "op": "eq", "value": "@"}, "value"),
    ({"type": "field", "field": ["email"], "op": "eq", "value": "a"}, "field"),
    ({"type": "attribute", "name": ["age"], "op": "eq", "value": 1}, "name"),
    ({"type": "list", "list": {"id": 1}, "op": "in"}, "list"),
    ({"type": "list", "list": 10**30, "op": "in"}, "list"),
    ({"type": "list", "list": 1, "op": "in", "status": ["any"]}, "status"),
    ({"type": "created", "op": "in_last_days", "value": 10**12}, "value"),
    ({"type": "created", "op": "in_last_days", "value": -3}, "value"),
    ({"type": "created", "op": "in_last_days", "value": "abc"}, "value"),
    ({"type": "created", "op": "older_than_days", "value": 1e20}, "value"),
    ({"type": "created", "op": "in_last_days", "value": 2.5}, "value"),
    ({"type": "created", "op": "after", "value": "9999-12-31"}, "value"),
    ({"type": "created", "op": "before", "value": ""}, "value"),
    ({"type": "created", "op": "before", "value": {"d": 1}}, "value"),
    ({"type": "activity", "action": "opened", "op": "in_last_days", "value": 10**12}, "value"),
    ({"type": "activity", "action": ["opened"], "op": "in_last_days", "value": 3}, "action"),
    ({"type": "campaign", "campaign": 10**30, "op": "opened"}, "campaign"),
    ({"type": "campaign", "campaign": [1], "op": "opened"}, "campaign"),
    ({"type": ["field"], "field": "email", "op": "eq", "value": "a"}, ""),
    ({"type": 5}, ""),
    ({"type": None}, ""),
]

BAD_SHAPES = [
    ([], "definition"),
    ("all", "definition"),
    (5, "definition"),
    ({"conditions": "x"}, "conditions"),
    ({"conditions": {"type": "field"}}, "conditions"),
    ({"conditions": [5]}, "conditions[0]"),
    ({"conditions": [["a"]]}, "conditions[0]"),
    ({"match": ["all"], "conditions": []}, "match"),
    ({"match": "some", "conditions": []}, "match"),
]

CASES = [({"match": "all", "conditions": [c]}, f"conditions[0].{part}".rstrip(".")) for c, part in BAD_CONDITIONS] + BAD_SHAPES  # fmt: skip


@pytest.fixture
def fields(owner):
    ws = owner.workspace
    CustomFieldFactory(workspace=ws, name="age", type="number")
    CustomFieldFactory(workspace=ws, name="born", type="date")
    CustomFieldFactory(workspace=ws, name="city", type="text")
    SubscriberFactory(workspace=ws, attributes={"age": 30, "born": "2000-01-01", "city": "Paris"})


@pytest.mark.parametrize(("definition", "path"), CASES)
def test_it_answers_the_api_in_its_error_shape_at_the_condition(
    api, owner, fields, definition, path
):
    response = api(owner.user).post(
        "/api/v1/segments/", {"name": "x", "definition": definition}, format="json"
    )

    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert path in error["fields"]["definition"], error


@pytest.mark.parametrize(("definition", "path"), CASES)
def test_it_shows_the_error_in_the_preview_and_on_save(login, owner, fields, definition, path):
    client = login(owner.user)

    preview = client.post(reverse("segment_preview"), {"definition": json.dumps(definition)})
    saved = client.post(
        reverse("segment_create"), {"name": "x", "definition": json.dumps(definition)}
    )

    assert preview.status_code == 200
    assert path in preview.context["errors"], preview.content[:300]
    assert "count" not in preview.context
    assert saved.status_code == 200
    assert path in saved.context["errors"]
    assert not Segment.objects.exists()


def test_it_still_accepts_the_same_conditions_well_typed(api, owner, fields):
    good = [
        {**AGE, "op": "gt", "value": "10,5"},
        {**AGE, "op": "lte", "value": 40},
        {**BORN, "op": "lt", "value": "2001-01-01"},
        {**CITY, "op": "in", "value": ["Paris", "Rome"]},
        {**EMAIL, "op": "is_not_empty"},
        {"type": "created", "op": "in_last_days", "value": "30"},
        {"type": "created", "op": "after", "value": "1999-12-31"},
    ]

    response = api(owner.user).post(
        "/api/v1/segments/",
        {"name": "x", "definition": {"match": "all", "conditions": good}},
        format="json",
    )

    assert response.status_code == 201, response.json()
    count = api(owner.user).get(f"/api/v1/segments/{response.json()['id']}/count/")
    assert count.json() == {"count": 1}


DEEP = "[" * 100_000 + "]" * 100_000


def test_json_nested_too_deeply_is_a_400_in_the_api(api, owner):
    body = '{"name": "x", "definition": ' + DEEP + "}"

    response = api(owner.user).post("/api/v1/segments/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_json_nested_too_deeply_is_refused_in_the_preview_and_on_save(login, owner):
    client = login(owner.user)

    preview = client.post(reverse("segment_preview"), {"definition": DEEP})
    saved = client.post(reverse("segment_create"), {"name": "x", "definition": DEEP})

    assert "definition" in preview.context["errors"]
    assert saved.status_code == 200 and "definition" in saved.context["errors"]
    assert not Segment.objects.exists()
