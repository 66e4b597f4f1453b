"""Every page carries a Content-Security-Policy; our own pages need no inline script for it."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/app/", "/api/v1/docs/", "/api/v1/nowhere/", "/health/"]
)
def test_it_sends_the_policy_on_every_kind_of_page(path, client, owner):
    client.force_login(owner.user)

    response = client.get(path)

    directives = _directives(response["Content-Security-Policy"])
    assert directives["form-action"] == "form-action 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["default-src"] == "default-src 'self'"
    assert directives["script-src"] == "script-src 'self'"  # no 'unsafe-inline', no eval


def test_the_api_docs_load_their_script_from_a_file(client, owner):
    client.force_login(owner.user)

    page = client.get("/api/v1/docs/").content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page)


def test_no_template_has_inline_script_or_event_handlers():
    templates = list(ROOT.glob("templates/**/*.html")) + list(
        ROOT.glob("postroom/*/templates/**/*.html")
    )
    offenders = []
    for template in templates:
        text = template.read_text()
        if re.search(r"\son[a-z]+\s*=", text) or re.search(
            r"<script(?![^>]*(\bsrc=|type=\"application/json\"))[^>]*>", text
        ):
            offenders.append(str(template.relative_to(ROOT)))

    assert templates and not offenders
