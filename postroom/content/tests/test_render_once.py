"""Compile-time shortcuts give exactly what per-recipient rendering gives."""

import css_inline
import pytest

from postroom.content.rendering import message_compile, message_render, recipient_context
from postroom.content.templating import environment, render_limited
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

STYLE = "<style>.x{color:red} a{color:blue}</style>"


def context(name: str) -> dict:
    return recipient_context(
        email="a@example.com", full_name=name, urls={"unsubscribe": "https://e.x/u/t?a=1&b=2"}
    )


def test_a_fixed_structure_is_inlined_once_and_renders_like_inlining_each_result():
    message = MessageFactory(
        body=f"<html><head>{STYLE}</head><body><p class='x'>Hi {{{{ subscriber.full_name }}}}</p>"
        "<a href='{{ unsubscribe_url }}'>Stop</a></body></html>"
    )
    compiled = message_compile(message)

    assert compiled.html_inlined and "html" not in compiled.traced
    for name in ("Ann O'Neil <b>", "Борис & Co"):
        rendered = message_render(message, context(name)).html
        assert 'style="color: red;"' in rendered or "color:red" in rendered.replace(" ", "")
        raw = render_limited(environment().from_string(message.body), context(name))
        assert rendered.replace("&#39;", "'") == css_inline.inline(raw).replace("&#39;", "'")


@pytest.mark.parametrize(
    "body",
    [
        "<p class='x'>{% if subscriber.full_name %}Hi{% endif %}</p>",
        "<p class='{{ subscriber.attributes.tier }}'>Hi</p>",
        "<style>.x{color: {{ subscriber.attributes.colour }}}</style><p class='x'>Hi</p>",
        "{% for i in range(3) %}<p class='x'>{{ i }}</p>{% endfor %}",
    ],
)
def test_templates_whose_structure_varies_are_inlined_per_recipient(body):
    message = MessageFactory(body=f"<html><head>{STYLE}</head><body>{body}</body></html>")

    compiled = message_compile(message)

    assert not compiled.html_inlined
    assert "<style" not in message_render(message, context("Ann")).html  # inlined per recipient


def test_loop_free_templates_skip_the_tracer_but_loops_keep_it(settings):
    loop_free = MessageFactory(body="<p>{{ subscriber.full_name }}</p>")
    looping = MessageFactory(body="{% for i in range(10) %}<p>{{ i }}</p>{% endfor %}")

    assert "html" not in message_compile(loop_free).traced
    assert "html" in message_compile(looping).traced
    settings.RENDER_MAX_CHARS = 10
    with pytest.raises(Exception, match="larger than"):
        message_render(loop_free, context("A very long name indeed"))


def test_a_loop_free_template_still_has_a_time_limit(settings):
    settings.RENDER_TIMEOUT_MS = 200
    slow = '{{ ("x" * 100000)|list|map("center", 1000)|join|length }}'
    message = MessageFactory(body=f"<p>{slow}{slow}{slow}{slow}{slow}</p>")

    assert "html" not in message_compile(message).traced
    with pytest.raises(Exception, match="too long"):
        message_render(message, context("Ann"))


@pytest.mark.parametrize(
    "body",
    [
        "<style>a[href^='http']{color:red}</style><a href='{{ unsubscribe_url }}'>x</a>",
        "<p class='x'>{{ subscriber.attributes.site|urlize }}</p>",
        "<style>td:empty{display:none}</style><table><tr><td>{{ subscriber.first_name }}</td></tr></table>",
        """<p data-q="title='" class="{{ subscriber.attributes.tier }}" data-z="'">x</p>""",
        "<link rel='stylesheet' href='https://example.com/x.css'><p class='x'>{{ subscriber.email }}</p>",
    ],
)
def test_css_that_can_depend_on_a_recipients_values_is_inlined_per_recipient(body):
    message = MessageFactory(body=f"<html><head>{STYLE}</head><body>{body}</body></html>")

    assert not message_compile(message).html_inlined


def test_stylesheets_are_never_fetched(tmp_path):
    sheet = tmp_path / "x.css"
    sheet.write_text(".x{color:green}")
    message = MessageFactory(
        body=f"<html><head><link rel='stylesheet' href='file://{sheet}'></head>"
        "<body><p class='x'>Hi</p></body></html>"
    )

    assert "green" not in message_render(message, context("Ann")).html
