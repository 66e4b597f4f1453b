"""Templates that only print values render without Jinja, exactly as Jinja renders them."""

import dataclasses

import pytest

from postroom.content.plans import plan_make
from postroom.content.rendering import compiled_render, message_compile, recipient_context
from postroom.content.templating import environment, render_limited
from postroom.content.tests.factories import MessageFactory

TEMPLATES = [
    "Hi {{ subscriber.first_name }}, {{ subscriber.first_name }}!",
    "<p>{{ subscriber.full_name }} &amp; {{ subscriber.email }}</p>\n",
    "{{ subscriber.attributes.tier }} / {{ subscriber.attributes['plan'] }}",
    "{{ subscriber['attributes'].age }} {{ campaign.id }} {{ unsubscribe_url }}",
    "braces { } {0} and }} stay {{ subscriber.email }}",
    "{{ subscriber.attributes['items'] }}",
    "{{ subscriber.attributes.nested.deep }}",
    "{{ range }} {{ nothing }} {{ nothing.at.all }}",
    "no values at all\n\n",
    "",
]

CONTEXTS = [
    recipient_context(email="jane@example.com", full_name="Jane Doe"),
    recipient_context(
        email="o'neil@example.com",
        full_name='<b>Ann</b> & "Co" {x}',
        attributes={"tier": None, "plan": 3, "age": 4.5, "items": ["a", "<b>"]},
        urls={"unsubscribe": "https://e.x/u?a=1&b=<2>"},
        campaign={"id": 7, "name": "Sale"},
    ),
    recipient_context(
        email="x@example.com",
        full_name="",
        attributes={"tier": True, "nested": {"deep": "Ёлка"}, "plan": {"a": 1}, "age": [1]},
    ),
    recipient_context(email="y@example.com", attributes={"nested": "not a dict"}),
]


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("source", TEMPLATES)
def test_it_renders_what_jinja_renders_or_leaves_the_recipient_to_jinja(source, autoescape):
    # given a template that only prints values
    env = environment(autoescape=autoescape)
    plan = plan_make(env, source)
    assert plan is not None

    rendered = 0
    for context in CONTEXTS:
        # when
        fast = plan.render(context)

        # then: the same output, or None where a value is not a plain lookup away
        assert fast in (None, render_limited(env.from_string(source), context))
        rendered += fast is not None
    assert rendered or "nothing" in source


def test_it_gives_up_where_a_value_is_missing_or_shadowed_by_a_dict_method():
    context = CONTEXTS[1]
    env = environment()

    assert plan_make(env, "{{ nothing }}").render(context) is None
    assert plan_make(env, "{{ range }}").render(context) is None  # a global, not a value
    assert plan_make(env, "{{ subscriber.attributes.tier.x }}").render(context) is None
    assert plan_make(env, "{{ subscriber.attributes.items }}") is None  # d.items is the method
    assert plan_make(env, "{{ subscriber.attributes['items'] }}").render(context) == (
        "[&#39;a&#39;, &#39;&lt;b&gt;&#39;]"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% if subscriber.full_name %}Hi{% endif %}",
        "{{ subscriber.full_name | upper }}",
        "{{ subscriber.full_name ~ '!' }}",
        "{{ subscriber.attributes[subscriber.email] }}",
        "{{ 'literal' }}",
        "{% include 'footer' %}",
        "{% for x in range(3) %}{{ x }}{% endfor %}",
        "{{ broken",
    ],
)
def test_it_leaves_anything_but_printed_values_to_jinja(source):
    assert plan_make(environment(), source) is None


@pytest.mark.django_db
def test_a_compiled_message_renders_the_same_with_and_without_its_plans():
    # given a message whose parts only print values, with CSS inlined once
    message = MessageFactory(
        subject="Hello {{ subscriber.first_name }}",
        preheader="For {{ subscriber.email }}",
        body="<html><head><style>p{color:red}</style></head><body>"
        "<p>Dear {{ subscriber.first_name }} ({{ subscriber.attributes.city }})</p>"
        '<a href="{{ unsubscribe_url }}">Stop</a></body></html>',
    )
    compiled = message_compile(message)
    assert set(compiled.plans) == {"subject", "preheader", "html", "text"}
    without = dataclasses.replace(compiled, plans={})

    for context in CONTEXTS:
        # when / then
        assert compiled_render(compiled, context) == compiled_render(without, context)


@pytest.mark.django_db
def test_a_message_with_logic_keeps_its_html_on_jinja():
    message = MessageFactory(body="<p>{% if subscriber.full_name %}Hi{% endif %}</p>")

    assert "html" not in message_compile(message).plans
