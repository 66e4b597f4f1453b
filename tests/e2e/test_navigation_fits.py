"""The top bar fits common laptop widths: every item, log out and the language menu stay on screen."""

import pytest

from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import MembershipFactory, UserFactory, WorkspaceFactory
from tests.e2e.conftest import browser_page, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Everything in the bar a user may need to reach: links, menus, the account and language controls.
CONTROLS = "#nav .nav-link, #nav button, #nav select"

OUTSIDE = """(controls) => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  for (const el of document.querySelectorAll(controls)) {
    if (el.closest(".dropdown-menu")) continue;  // inside a closed menu: shown when opened
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.left < 0 || box.right > width) {
      outside.push((el.innerText || el.getAttribute("aria-label") || el.tagName).trim() + " " + Math.round(box.left) + "-" + Math.round(box.right));
    }
  }
  return {outside, width, scroll: document.documentElement.scrollWidth, count: [...document.querySelectorAll(controls)].filter((el) => !el.closest(".dropdown-menu")).length,
          height: document.querySelector("nav.navbar").getBoundingClientRect().height};
}"""


def _longest_bar_user(*, staff: bool):
    """An owner (every workspace item) with a long address and workspace name; staff add their menu."""
    workspace = WorkspaceFactory(name="Northwind Traders International Marketing")
    user = UserFactory(
        email=f"{'staff' if staff else 'owner'}.alexandra.konstantinopolskaya@example.com",
        is_superuser=staff,
        is_staff=staff,
    )
    MembershipFactory(user=user, workspace=workspace, role=Role.OWNER)
    user.default_workspace = workspace
    user.save()
    return user


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("staff", [False, True], ids=["owner", "staff"])
def test_every_item_of_the_top_bar_is_on_screen(browser, live_server, language, staff):
    user = _longest_bar_user(staff=staff)
    for width in (1024, 1366, 1600):
        pages = browser_page(browser, live_server, viewport={"width": width, "height": 800})
        page = next(pages)
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        log_in(page, user.email)
        page.goto("/app/campaigns/")
        assert page.locator("html").get_attribute("lang") == language

        found = page.evaluate(OUTSIDE, CONTROLS)

        assert found["outside"] == [], (width, language, found)
        assert found["scroll"] <= found["width"], (width, language, found)
        assert found["count"] == (15 if staff else 14), found  # with the CRM link
        next(pages, None)
