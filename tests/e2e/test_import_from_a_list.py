import re

import pytest

from postroom.audience.models import Subscriber
from postroom.audience.tests.factories import MailingListFactory
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_import_from_a_lists_page_fills_that_list_and_remembers_the_columns(
    page, owner, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    news = MailingListFactory(workspace=owner.workspace, name="News")
    MailingListFactory(workspace=owner.workspace, name="Other")
    first = tmp_path / "first.csv"
    first.write_text("Email;First name;Last name;Notes\nann@example.com;Ann;Lee;vip\n")
    log_in(page, owner.user.email)

    page.goto(f"/app/lists/{news.pk}/")
    page.click("#list-import")
    page.set_input_files("#upload-form input[type=file]", str(first))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/imports/\d+/$"))

    assert page.get_by_label("News").is_checked()
    assert not page.get_by_label("Other").is_checked()
    assert page.locator("select[name=map_1]").input_value() == "first_name"
    assert page.locator("select[name=map_2]").input_value() == "last_name"
    page.select_option("select[name=map_3]", "")  # the notes are not wanted
    page.click("#mapping-form button[type=submit]")
    page.locator("#import-status", has_text="Finished").wait_for()
    ann = Subscriber.objects.get()
    assert (ann.full_name, ann.comment) == ("Ann Lee", "")
    assert list(ann.subscriptions.values_list("mailing_list__name", flat=True)) == ["News"]

    second = tmp_path / "second.csv"
    second.write_text("Notes;Email;Last name;First name\nhi;bob@example.com;Roe;Bob\n")
    page.goto("/app/imports/")
    page.set_input_files("#upload-form input[type=file]", str(second))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/imports/\d+/$"))

    assert [page.locator(f"select[name=map_{i}]").input_value() for i in range(4)] == [
        "",
        "email",
        "last_name",
        "first_name",
    ]
