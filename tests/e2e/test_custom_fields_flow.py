import re

import pytest

from postroom.audience.models import CustomField
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_options_one_per_line_then_the_field_is_edited_in_the_app(page, owner):
    log_in(page, owner.user.email)
    page.goto("/app/fields/")
    page.fill("input[name=name]", "plan")
    page.fill("input[name=label]", "Plan")
    page.select_option("select[name=type]", "choice")
    page.fill("[name=choices_text]", "free\npro\nteam")
    page.get_by_role("button", name="Add").click()
    page.get_by_role("link", name="Plan").click()
    page.wait_for_url(re.compile(r"/app/fields/\d+/$"))

    assert CustomField.objects.get().choices == ["free", "pro", "team"]
    page.select_option("select[name=default]", "pro")
    page.fill("input[name=label]", "Tariff")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/app/fields/$"))

    field = CustomField.objects.get()
    assert (field.label, field.default) == ("Tariff", "pro")
