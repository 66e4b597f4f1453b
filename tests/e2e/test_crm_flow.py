"""The CRM end to end: a service and an ad campaign, a visitor's lead, qualified, converted, ROI."""

import datetime as dt
import re

import pytest

from postroom.accounts.roles import Role
from postroom.crm.models import Contract, Lead, LeadStatus
from tests.e2e.conftest import _wait_for_requests, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def contexts(browser, live_server):
    opened = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(15_000)
        opened.append(context)
        return context.new_page()

    yield open_page
    for context in opened:
        context.close()
    _wait_for_requests()


def test_from_a_service_to_a_customer_and_its_roi(contexts, member, owner):
    today = dt.datetime.now(tz=dt.UTC).date().isoformat()
    marketer = member(Role.MARKETER, workspace=owner.workspace).user
    operator = member(Role.OPERATOR, workspace=owner.workspace).user
    sales = member(Role.SALES_MANAGER, workspace=owner.workspace).user

    # a marketer creates a service and an advertising campaign with some spend
    page = contexts()
    log_in(page, marketer.email)
    page.get_by_role("link", name="CRM").click()
    page.get_by_role("link", name="Services").click()
    page.fill("#service-form input[name=name]", "Website audit")
    page.fill("#service-form input[name=price]", "1000.00")
    page.get_by_role("button", name="Save service").click()
    page.locator("#services", has_text="Website audit").wait_for()
    page.get_by_role("link", name="Advertising campaigns").click()
    form = page.locator("#ad-campaign-form")
    form.locator("input[name=name]").fill("Spring search")
    form.locator("select[name=service]").select_option(label="Website audit")
    form.locator("select[name=channel]").select_option("search")
    form.locator("input[name=budget]").fill("500")
    form.locator("input[name=starts_on]").fill(today)
    page.get_by_role("button", name="Save campaign").click()
    page.wait_for_url(re.compile(r"/app/crm/campaigns/\d+/$"))
    page.fill("#spend-form input[name=date]", today)
    page.fill("#spend-form input[name=amount]", "250")
    page.locator("#spend-form button").click()
    page.locator("#spend-total", has_text="250.00").wait_for()
    form_url = page.locator("#lead-form-link").get_attribute("href")

    # a visitor fills the public lead form
    visitor = contexts()
    visitor.goto(form_url)
    visitor.fill("input[name=name]", "Vera Visitor")
    visitor.fill("input[name=email]", "vera@example.com")
    visitor.check("input[name=consent]")
    visitor.get_by_role("button", name="Send").click()
    visitor.locator("#thanks").wait_for()

    # an operator qualifies the lead
    page = contexts()
    log_in(page, operator.email)
    page.goto("/app/crm/")
    page.get_by_role("link", name="Vera Visitor").click()
    page.locator("#lead-form select[name=status]").select_option("qualified")
    page.locator("#lead-form").get_by_role("button", name="Save lead").click()
    page.locator("#lead-status", has_text="Qualified").wait_for()
    page.locator("#timeline", has_text="New → Qualified").wait_for()

    # a sales manager converts it with a contract and its PDF
    page = contexts()
    log_in(page, sales.email)
    page.goto("/app/crm/")
    page.get_by_role("link", name="Vera Visitor").click()
    contract = page.locator("#contract-form")
    contract.locator("input[name=name]").fill("Audit for Vera")
    contract.locator("select[name=service]").select_option(label="Website audit")
    contract.locator("input[name=amount]").fill("1000.00")
    contract.locator("input[name=document]").set_input_files(
        {"name": "audit.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Sign contract").click()
    page.wait_for_url(re.compile(r"/app/crm/customers/\d+/$"))
    page.locator("#contracts-total", has_text="1000.00").wait_for()
    assert page.locator("a.document-link", has_text="audit.pdf").count() == 1

    # the analytics page shows one lead, one customer and the ROI
    page.get_by_role("link", name="Analytics").click()
    assert page.locator("#total-leads").inner_text() == "1"
    assert page.locator("#total-customers").inner_text() == "1"
    assert page.locator("#total-roi").inner_text() == "300.0 %"
    assert page.locator("#crm-funnel").is_visible()

    lead = Lead.objects.get()
    assert lead.status == LeadStatus.CONVERTED and lead.consent_at is not None
    assert Contract.objects.get().document_size == len(PDF)
