from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from postroom.audience.models import Subscriber
from postroom.audience.segments import condition_type, segment_q
from postroom.audience.services.subscriptions import subscription_set
from postroom.audience.tests.factories import (
    CustomFieldFactory,
    MailingListFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


def matching(workspace, definition):
    q = segment_q(definition, workspace_id=workspace.pk)
    return sorted(
        Subscriber.objects.filter(workspace=workspace).filter(q).values_list("email", flat=True)
    )


@pytest.fixture
def people(owner):
    ws = owner.workspace
    CustomFieldFactory(workspace=ws, name="age", type="number")
    CustomFieldFactory(workspace=ws, name="city", type="text")
    CustomFieldFactory(workspace=ws, name="vip", type="boolean")
    CustomFieldFactory(workspace=ws, name="born", type="date")
    make = SubscriberFactory
    return {
        "ann": make(
            workspace=ws,
            email="ann@a.com",
            attributes={"age": 25, "city": "Paris", "vip": True, "born": "2000-05-01"},
        ),
        "bob": make(
            workspace=ws, email="bob@b.org", attributes={"age": 40, "city": "Berlin", "vip": False}
        ),
        "cid": make(workspace=ws, email="cid@a.com", attributes={"age": 9, "city": "paris"}),
    }


def test_typed_attribute_comparisons(owner, people):
    ws = owner.workspace

    assert matching(
        ws, {"conditions": [{"type": "attribute", "name": "age", "op": "gt", "value": "10"}]}
    ) == ["ann@a.com", "bob@b.org"]
    assert matching(
        ws, {"conditions": [{"type": "attribute", "name": "age", "op": "lte", "value": 9}]}
    ) == ["cid@a.com"]
    assert matching(
        ws, {"conditions": [{"type": "attribute", "name": "city", "op": "eq", "value": "PARIS"}]}
    ) == ["ann@a.com", "cid@a.com"]
    assert matching(
        ws, {"conditions": [{"type": "attribute", "name": "vip", "op": "is_true"}]}
    ) == ["ann@a.com"]
    assert matching(
        ws,
        {"conditions": [{"type": "attribute", "name": "born", "op": "lt", "value": "2001-01-01"}]},
    ) == ["ann@a.com"]
    assert matching(
        ws, {"conditions": [{"type": "attribute", "name": "born", "op": "is_empty"}]}
    ) == ["bob@b.org", "cid@a.com"]


def test_nested_any_and_all_groups(owner, people):
    definition = {
        "match": "any",
        "conditions": [
            {"type": "field", "field": "email", "op": "starts_with", "value": "bob"},
            {
                "match": "all",
                "conditions": [
                    {"type": "field", "field": "domain", "op": "eq", "value": "a.com"},
                    {"type": "attribute", "name": "age", "op": "lt", "value": 18},
                ],
            },
        ],
    }

    assert matching(owner.workspace, definition) == ["bob@b.org", "cid@a.com"]


def test_list_membership_and_subscription_status(owner, people):
    the_list = MailingListFactory(workspace=owner.workspace)
    subscription_set(
        subscriber=people["ann"], mailing_list=the_list, status="subscribed", source="admin"
    )
    subscription_set(
        subscriber=people["bob"], mailing_list=the_list, status="unsubscribed", source="admin"
    )
    ws = owner.workspace

    assert matching(ws, {"conditions": [{"type": "list", "list": the_list.pk, "op": "in"}]}) == [
        "ann@a.com"
    ]
    assert matching(
        ws, {"conditions": [{"type": "list", "list": the_list.pk, "op": "in", "status": "any"}]}
    ) == ["ann@a.com", "bob@b.org"]
    assert matching(
        ws, {"conditions": [{"type": "list", "list": the_list.pk, "op": "not_in"}]}
    ) == ["bob@b.org", "cid@a.com"]


def test_created_in_the_last_n_days(owner):
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        SubscriberFactory(workspace=owner.workspace, email="old@example.com")
    SubscriberFactory(workspace=owner.workspace, email="new@example.com")
    ws = owner.workspace

    assert matching(
        ws, {"conditions": [{"type": "created", "op": "in_last_days", "value": 30}]}
    ) == ["new@example.com"]
    assert matching(
        ws, {"conditions": [{"type": "created", "op": "older_than_days", "value": 30}]}
    ) == ["old@example.com"]


def test_a_segment_is_one_query(owner, people, django_assert_num_queries):
    the_list = MailingListFactory(workspace=owner.workspace)
    q = segment_q(
        {
            "conditions": [
                {"type": "list", "list": the_list.pk, "op": "not_in"},
                {"type": "attribute", "name": "age", "op": "gt", "value": 1},
            ]
        },
        workspace_id=owner.workspace.pk,
    )

    with django_assert_num_queries(1):
        Subscriber.objects.filter(workspace=owner.workspace).filter(q).count()


@pytest.mark.parametrize(
    ("definition", "path"),
    [
        ({"conditions": [{"type": "nope"}]}, "conditions[0]"),
        (
            {"conditions": [{"type": "attribute", "name": "ghost", "op": "eq", "value": 1}]},
            "conditions[0].name",
        ),
        (
            {"conditions": [{"type": "attribute", "name": "age", "op": "gt", "value": "old"}]},
            "conditions[0].value",
        ),
        (
            {"conditions": [{"type": "created", "op": "in_last_days", "value": "soon"}]},
            "conditions[0].value",
        ),
        ({"match": "some"}, "match"),
        (
            {
                "conditions": [
                    {
                        "conditions": [
                            {"conditions": [{"conditions": [{"conditions": [{"conditions": []}]}]}]}
                        ]
                    }
                ]
            },
            "conditions[0].conditions[0].conditions[0].conditions[0].conditions[0]",
        ),
    ],
)
def test_bad_definitions_name_the_faulty_part(owner, people, definition, path):
    with pytest.raises(ValidationError) as caught:
        segment_q(definition, workspace_id=owner.workspace.pk)

    assert path in caught.value.message_dict


def test_other_apps_can_register_condition_types(owner, people):
    from django.db.models import Q

    from postroom.audience import segments

    @condition_type("test_vip_only")
    def _vip(node, context, path):
        return Q(attributes__vip=True)

    try:
        assert matching(owner.workspace, {"conditions": [{"type": "test_vip_only"}]}) == [
            "ann@a.com"
        ]
    finally:
        segments._REGISTRY.pop("test_vip_only")


def test_a_list_of_another_workspace_is_refused(owner, other_owner):
    theirs = MailingListFactory(workspace=other_owner.workspace)

    with pytest.raises(ValidationError) as caught:
        segment_q(
            {"conditions": [{"type": "list", "list": theirs.pk, "op": "in"}]},
            workspace_id=owner.workspace.pk,
        )

    assert "conditions[0].list" in caught.value.message_dict


def test_negations_include_subscribers_without_the_attribute(owner, people):
    SubscriberFactory(workspace=owner.workspace, email="dan@d.net", attributes={})
    ws = owner.workspace

    assert "dan@d.net" in matching(
        ws, {"conditions": [{"type": "attribute", "name": "city", "op": "neq", "value": "Berlin"}]}
    )
    assert "dan@d.net" in matching(
        ws, {"conditions": [{"type": "attribute", "name": "age", "op": "neq", "value": 7}]}
    )
    assert "dan@d.net" in matching(
        ws, {"conditions": [{"type": "attribute", "name": "vip", "op": "is_false"}]}
    )
    assert "dan@d.net" in matching(
        ws,
        {"conditions": [{"type": "attribute", "name": "city", "op": "not_contains", "value": "x"}]},
    )


def test_order_comparisons_only_match_values_of_the_fields_type(owner, people):
    """Values stored before a field's type changed never pass a number or date comparison.

    JSON orders every boolean above every number and every string below, so an
    untyped comparison would count `true` as at least 30 and the string "50" as
    less than 9.
    """
    ws = owner.workspace
    SubscriberFactory(workspace=ws, email="odd@o.net", attributes={"age": True, "born": 5})
    SubscriberFactory(workspace=ws, email="str@o.net", attributes={"age": "50", "born": True})

    def emails(name, op, value):
        condition = {"type": "attribute", "name": name, "op": op, "value": value}
        return matching(ws, {"conditions": [condition]})

    assert emails("age", "gte", 30) == ["bob@b.org"]
    assert emails("age", "lt", 30) == ["ann@a.com", "cid@a.com"]
    assert emails("born", "lt", "2001-01-01") == ["ann@a.com"]
    assert emails("born", "gt", "1990-01-01") == ["ann@a.com"]


def test_decimal_numbers_compare_exactly(owner):
    """19.99 is 19.99: not the binary float nearest to it, which is a little less."""
    ws = owner.workspace
    CustomFieldFactory(workspace=ws, name="price", type="number")
    SubscriberFactory(workspace=ws, email="a@example.com", attributes={"price": 19.99})
    SubscriberFactory(workspace=ws, email="b@example.com", attributes={"price": 0.1})

    def emails(op, value):
        condition = {"type": "attribute", "name": "price", "op": op, "value": value}
        return matching(ws, {"conditions": [condition]})

    assert emails("eq", 19.99) == ["a@example.com"]
    assert emails("eq", "0.1") == ["b@example.com"]
    assert emails("lte", 19.99) == ["a@example.com", "b@example.com"]
    assert emails("gte", 19.99) == ["a@example.com"]
    assert emails("lt", 0.1) == []
