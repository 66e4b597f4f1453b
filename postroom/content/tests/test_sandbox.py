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


@pytest.mark.parametrize(
    "source",
    [
        "{% set l = [1] * 100000 %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}",
        "{% for x in [1, 2, 3] | slice(100000000) %}{% endfor %}",
        "{{ '' | center(999999999) }}",
        "{{ 'x' | indent(999999999) }}",
    ],
)
def test_loops_over_any_iterable_and_sized_filters_are_stopped(source, settings):
    settings.RENDER_TIMEOUT_MS = 300

    started = __import__("time").monotonic()
    with pytest.raises(RenderLimitExceeded):
        render(source)
    assert __import__("time").monotonic() - started < 3


@pytest.mark.parametrize(
    "source",
    ["{{ '%999999999d' % 1 }}", "{{ '%s' | format('x') }}"],
)
def test_string_formatting_is_refused(source):
    with pytest.raises(SecurityError):
        render(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('a') }}",
        "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    ],
)
def test_macros_and_recursive_loops_are_refused_at_save(owner, source):
    with pytest.raises(ValidationError):
        message_save(
            workspace=owner.workspace,
            name="x",
            subject="Hi",
            from_email="a@example.com",
            body=source,
        )


def test_include_cycles_between_blocks_are_refused(owner):
    from postroom.content.services import block_save

    block_save(workspace=owner.workspace, key="a", name="A", html="<p>A</p>")
    block_save(workspace=owner.workspace, key="b", name="B", html='{% include "a" %}')

    with pytest.raises(ValidationError, match="cycle"):
        block_save(
            workspace=owner.workspace,
            block=__import__(
                "postroom.content.models", fromlist=["ContentBlock"]
            ).ContentBlock.objects.get(key="a"),
            html='{% include "b" %}',
        )


@pytest.mark.parametrize(
    "source",
    ["{{ (['a' * 100000] * 100000) | join }}", "{{ (['a' * 50000] * 50) | join }}{{ 'b' * 1 }}"],
)
def test_huge_joins_are_refused_before_they_allocate(source, settings):
    settings.RENDER_MAX_CHARS = 1_000_000

    with pytest.raises(RenderLimitExceeded):
        render(source)


def test_ordinary_joins_still_work():
    assert render("{{ ['a', 'b'] | join(', ') }}") == "a, b"
