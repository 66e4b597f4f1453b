import pytest

from postroom.audience.tests.factories import SubscriberFactory
from postroom.content.tests.factories import MessageFactory
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_message_is_previewed_as_a_subscriber_found_by_search(page, owner, other_owner):
    SubscriberFactory(workspace=owner.workspace, email="zoe@old.example", full_name="Zoe Ray")
    for i in range(25):
        SubscriberFactory(workspace=owner.workspace, email=f"new{i}@example.com", full_name="New")
    SubscriberFactory(workspace=other_owner.workspace, email="zed@their.example")
    message = MessageFactory(workspace=owner.workspace, subject="Hello {{ subscriber.first_name }}")
    log_in(page, owner.user.email)

    page.goto(f"/app/messages/{message.pk}/")
    page.locator("#preview-subject").wait_for()
    page.fill("#recipient-search", "z")
    page.locator("#recipient-results .recipient-result:not(.recipient-sample)").first.wait_for()
    assert page.locator(
        "#recipient-results .recipient-result:not(.recipient-sample)"
    ).all_inner_texts() == ["zoe@old.example Zoe Ray"]
    page.locator("#recipient-results .recipient-result:not(.recipient-sample)").first.click()

    page.locator("#preview-subject", has_text="Hello Zoe").wait_for()
    assert "Hi Zoe Ray" in page.frame_locator("#preview iframe").locator("body").inner_text()
    assert page.locator("#recipient-search").input_value() == "zoe@old.example"
    page.select_option("#preview-controls select[name=width]", "mobile")
    page.locator("#preview-subject", has_text="Hello Zoe").wait_for()
