"""The segment builder in a browser: errors at the condition, empty groups, operators as words."""

import json

import pytest

from postroom.audience.tests.factories import CustomFieldFactory, SubscriberFactory
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def audience(owner):
    CustomFieldFactory(workspace=owner.workspace, name="age", label="Age", type="number")
    SubscriberFactory(workspace=owner.workspace, email="ann@example.com", attributes={"age": 41})
    SubscriberFactory(workspace=owner.workspace, email="bob@example.com", attributes={"age": 17})


def definition(page):
    return json.loads(page.locator("#id_definition").input_value())


def test_an_empty_custom_field_value_is_refused_at_the_condition(page, owner, audience):
    log_in(page, owner.user.email)
    page.goto("/app/segments/new/")
    page.locator("#segment-count", has_text="2").wait_for()

    page.get_by_role("button", name="+ condition").click()
    row = page.locator(".segment-condition").first
    row.locator("select").first.select_option(label="Custom field")

    # The preview names the problem instead of keeping the last count...
    page.locator("#segment-error").wait_for()
    assert page.locator("#segment-count").count() == 0
    # ...and the condition shows it next to the faulty input.
    row = page.locator(".segment-condition").first
    assert row.locator(".segment-error").inner_text() == "A value is required."
    assert "is-invalid" in row.locator("input[data-part=value]").get_attribute("class")

    row.locator("select[data-part=op]").select_option(label="is at least")
    page.locator(".segment-condition input[data-part=value]").fill("18")
    page.locator("#segment-count", has_text="1").wait_for()
    assert page.locator(".segment-condition .segment-error").count() == 0

    # Saving a bad definition keeps the page, with the message at the condition.
    page.locator(".segment-condition input[data-part=value]").fill("")
    page.fill("input[name=name]", "Adults")
    page.get_by_role("button", name="Save").click()
    page.locator(".segment-condition .segment-error", has_text="A value is required.").wait_for()
    assert page.url.endswith("/app/segments/new/")


def test_a_new_group_is_empty_and_does_not_match_everybody(page, owner, audience):
    log_in(page, owner.user.email)
    page.goto("/app/segments/new/")
    page.get_by_role("button", name="+ condition").click()
    row = page.locator(".segment-condition").first
    row.locator("select").first.select_option(label="Custom field")
    row = page.locator(".segment-condition").first
    row.locator("select[data-part=op]").select_option(label="is greater than")
    row.locator("input[data-part=value]").fill("30")
    page.locator("#segment-count", has_text="1").wait_for()

    page.get_by_role("button", name="+ group").first.click()

    group = definition(page)["conditions"][1]
    assert group == {"match": "any", "conditions": []}
    assert page.locator(".segment-group .segment-group .segment-condition").count() == 0
    assert page.locator(".segment-group .segment-group .segment-empty").is_visible()
    page.wait_for_timeout(500)  # the preview after the change
    page.locator("#segment-count", has_text="1").wait_for()


def test_operators_are_words_in_the_users_language(page, owner, audience):
    log_in(page, owner.user.email)
    with page.expect_navigation():
        page.select_option("#language-form select", "ru")
    page.goto("/app/segments/new/")

    page.get_by_role("button", name="+ условие").click()
    ops = page.locator(".segment-condition select[data-part=op] option").all_inner_texts()
    assert ops[:4] == ["равно", "не равно", "содержит", "не содержит"]
    row = page.locator(".segment-condition").first
    row.locator("select").first.select_option(label="Дополнительное поле")
    ops = page.locator(".segment-condition select[data-part=op] option").all_inner_texts()
    assert ops == [
        "равно",
        "не равно",
        "больше",
        "не меньше",
        "меньше",
        "не больше",
        "пусто",
        "не пусто",
    ]
