"""User templates are untrusted: the sandbox refuses or stops every escape attempt."""

import pytest
from django.core.exceptions import ValidationError
from jinja2.exceptions import UndefinedError

from postroom.content.rendering import message_render, recipient_context
from postroom.content.services import message_save
from postroom.content.templating import (
    RenderLimitExceeded,
    SecurityError,
    environment,
    render_limited,
)

pytestmark = pytest.mark.django_db


def render(source, **context):
    return render_limited(environment().from_string(source), context)


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ subscriber.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ self.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ namespace.__init__.__globals__ }}",
        "{% set x = subscriber.attributes.update({'a': 1}) %}{{ x }}",
    ],
)
def test_escapes_are_refused(source):
    with pytest.raises((SecurityError, UndefinedError)):
        render(source, subscriber={"attributes": {}})


def test_settings_the_request_and_files_are_not_reachable():
    out = render("{{ settings }}{{ request }}{{ config }}{{ open }}{{ os }}")

    assert out == ""


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(100000000) %}{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
        "{{ 'x' * 100000000 }}",
        "{{ 9 ** 999999 }}",
        "{% for i in range(1000) %}{{ 'y' * 5000 }}{% endfor %}",
    ],
)
def test_runaway_templates_are_stopped(source, settings):
    settings.RENDER_TIMEOUT_MS = 300
    settings.RENDER_MAX_CHARS = 1_000_000

    with pytest.raises(RenderLimitExceeded):
        render(source)


def test_personalization_with_defaults():
    context = recipient_context(
        email="a@example.com", full_name="Ann Lee", attributes={"city": "Oslo"}
    )

    out = render(
        "{{ subscriber.first_name }} from {{ subscriber.attributes.city | default('somewhere') }}, "
        "{{ subscriber.attributes.missing | default('friend') }}",
        **context,
    )

    assert out == "Ann from Oslo, friend"


def test_values_are_html_escaped():
    context = recipient_context(email="a@example.com", full_name="<script>alert(1)</script>")

    assert "<script>" not in render("{{ subscriber.full_name }}", **context)


def test_a_syntax_error_is_refused_at_save_with_line_and_column(owner):
    with pytest.raises(ValidationError) as caught:
        message_save(
            workspace=owner.workspace,
            name="Broken",
            subject="Hi",
            from_email="a@example.com",
            body="<p>ok</p>\n<p>{{ subscriber.full_name </p>",
        )

    message = caught.value.message_dict["body"][0]
    assert message.startswith("Line 2, column 4:")


def test_an_escape_is_refused_at_save(owner):
    with pytest.raises(ValidationError):
        message_save(
            workspace=owner.workspace,
            name="Sneaky",
            subject="Hi",
            from_email="a@example.com",
            body="{{ ''.__class__.__mro__ }}",
        )


def test_a_saved_message_renders_for_a_recipient(owner):
    message = message_save(
        workspace=owner.workspace,
        name="Welcome",
        subject="Welcome, {{ subscriber.first_name }}!",
        from_email="a@example.com",
        body="<style>p {color: red}</style><p>Hello {{ subscriber.full_name }}</p><a href='{{ unsubscribe_url }}'>Unsubscribe</a>",
    )

    rendered = message_render(
        message,
        recipient_context(
            email="b@example.com", full_name="Bo Ek", urls={"unsubscribe": "https://x.test/u/1"}
        ),
    )

    assert rendered.subject == "Welcome, Bo!"
    assert 'style="color: red' in rendered.html
    assert "Hello Bo Ek" in rendered.text
    assert "https://x.test/u/1" in rendered.html
