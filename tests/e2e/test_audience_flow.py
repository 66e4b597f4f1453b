import re

import pytest

from postroom.audience.models import Subscriber
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_import_a_csv_then_build_a_segment_with_a_live_count(page, owner, tmp_path):
    csv_file = tmp_path / "contacts.csv"
    csv_file.write_text("Email;Name\nann@example.com;Ann\nbob@example.org;Bob\nnot-an-email;X\n")
    log_in(page, owner.user.email)

    page.goto("/app/lists/")
    page.fill("#list-form input[name=name]", "Newsletter")
    page.click("#list-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/lists/\d+/$"))

    page.goto("/app/imports/")
    page.set_input_files("#upload-form input[type=file]", str(csv_file))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/imports/\d+/$"))
    assert page.locator("select[name=map_0]").input_value() == "email"
    assert page.locator("select[name=map_1]").input_value() == "full_name"
    page.get_by_label("Newsletter").check()
    page.click("#mapping-form button[type=submit]")
    page.locator("#import-status", has_text="Finished").wait_for()
    assert page.locator("[data-count=created]").inner_text() == "2"
    assert page.locator("#import-issues").get_by_text("not-an-email").is_visible()

    page.goto("/app/subscribers/")
    assert page.locator("#subscribers tr[data-email]").count() == 2

    page.goto("/app/segments/new/")
    page.locator("#segment-count").wait_for()
    assert page.locator("#segment-count").inner_text() == "2"
    page.fill("input[name=name]", "Dot org")
    page.get_by_role("button", name="+ condition").click()
    condition = page.locator(".segment-condition").first
    condition.locator("select").nth(1).select_option("domain")
    condition.locator("input").fill("example.org")
    page.locator("#segment-count", has_text="1").wait_for()
    assert "bob@example.org" in page.locator("#segment-preview").inner_text()

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/app/segments/\d+/$"))
    assert Subscriber.objects.count() == 2


def test_a_list_condition_can_ask_for_a_subscription_status(page, owner):
    from postroom.audience.tests.factories import MailingListFactory

    MailingListFactory(workspace=owner.workspace, name="Weekly")
    log_in(page, owner.user.email)
    page.goto("/app/segments/new/")

    page.get_by_role("button", name="+ condition").first.click()
    row = page.locator(".segment-condition").last
    row.locator("select").first.select_option(label="List")
    row = page.locator(".segment-condition").last
    row.locator("select").nth(3).select_option(label="Unsubscribed")  # type, list, op, status

    definition = page.locator("#id_definition").input_value()
    assert '"status":"unsubscribed"' in definition.replace(" ", "")
