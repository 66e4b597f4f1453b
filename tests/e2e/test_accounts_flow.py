import re

import pytest

from postroom.accounts.models import Membership, User
from postroom.accounts.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-Long-enough-pass-42"


def _link(mailoutbox, pattern):
    match = re.search(pattern, mailoutbox[-1].body)
    assert match, mailoutbox[-1].body
    return match.group(0)


def _sign_up_and_verify(page, mailoutbox, email, *, lands_on=r"/app/$"):
    if "/accounts/signup/" not in page.url:
        page.goto("/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    page.goto(_link(mailoutbox, r"https?://\S+/accounts/confirm-email/\S+/"))
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(lands_on))


def _log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/$"))


def _log_out(page):
    page.click("nav form[action='/accounts/logout/'] button")
    page.wait_for_url(re.compile(r"/$"))


def test_a_person_signs_up_verifies_logs_in_and_switches_language(page, mailoutbox):
    _sign_up_and_verify(page, mailoutbox, "ada@example.com")
    _log_out(page)

    _log_in(page, "ada@example.com")
    assert page.locator("h1").inner_text() == "ada's workspace"

    with page.expect_navigation():
        page.select_option("#language-form select", "ru")
    assert page.locator("nav").get_by_text("Выйти").is_visible()
    assert page.locator("html").get_attribute("lang") == "ru"

    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert page.locator("nav").get_by_text("Log out").is_visible()


def test_an_owner_invites_a_viewer_who_sees_but_cannot_change(
    page, mailoutbox, browser, live_server
):
    _sign_up_and_verify(page, mailoutbox, "owner@example.com")
    page.goto("/app/members/")
    page.fill("#invite-form input[name=email]", "viewer@example.com")
    page.select_option("#invite-form select[name=role]", "viewer")
    page.click("#invite-form button[type=submit]")
    page.get_by_text("Invitation sent to viewer@example.com").wait_for()
    invite_link = _link(mailoutbox, r"https?://\S+/invite/\S+/")

    colleague = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    colleague.goto(invite_link)
    colleague.click("main >> text=Sign up")
    _sign_up_and_verify(colleague, mailoutbox, "viewer@example.com")
    colleague.goto(invite_link)
    colleague.click("main form button[type=submit]")
    colleague.wait_for_url(re.compile(r"/app/$"))

    owner = User.objects.get(email="owner@example.com")
    membership = Membership.objects.get(
        user__email="viewer@example.com", workspace=owner.default_workspace
    )
    assert membership.role == Role.VIEWER
    assert colleague.locator("h1").inner_text() == "owner's workspace"
    assert colleague.locator("nav").get_by_text("Settings").count() == 0

    colleague.goto("/app/members/")
    assert colleague.get_by_text("owner@example.com").is_visible()
    assert colleague.locator("#invite-form").count() == 0
    response = colleague.goto("/app/workspace/")
    assert response.status == 403
