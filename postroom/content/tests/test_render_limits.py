"""Templates that would build huge values are refused before they allocate, at save and later.

Memory is measured with tracemalloc: a refused template must not have built
its value first. Wall time is not asserted (the machine may be busy).
"""

import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from postroom.content.models import Layout
from postroom.content.rendering import message_render, sample_context
from postroom.content.templating import (
    RenderError,
    RenderLimitExceeded,
    SecurityError,
    environment,
    render_limited,
)
from postroom.content.tests.factories import MessageFactory

pytestmark = pytest.mark.django_db

# Without the limits each of these builds 100 MB or more (some far more).
HUGE = [
    "{{ 'a'.ljust(200000000)|length }}",
    "{{ 'a'.ljust(1000000000)|length }}",
    "{{ 'a'.rjust(200000000)|length }}",
    "{{ 'a'.zfill(200000000)|length }}",
    "{{ 'a'.center(200000000)|length }}",
    "{{ '{:>200000000}'.format('a')|length }}",
    "{{ '{:>{}}'.format('a', 200000000)|length }}",
    "{{ '{0:.200000000f}'.format(1.5)|length }}",
    "{{ 'ab'.expandtabs(200000000)|length }}{{ 'a\tb'.expandtabs(200000000)|length }}",
    "{{ 'aaaaaaaaaa'" + ".replace('', 'aaaaaaaaaa')" * 7 + "|length }}",
    "{{ ('x' * 100000)|replace('', 'yyyyyyyyyyyyyyyyyyyy')|length }}",
    "{{ ('x' * 100000)|replace('x', 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy')|length }}",
    "{{ ','.join(['a' * 100000] * 1000)|length }}",
    "{{ 'a' * 200000000 }}",
    "{{ ([1] * 200000000)|length }}",
    "{% set l = [['a' * 100000]] * 100000 %}{{ l|string|length }}",
    "{% set l = ['a' * 100000] %}{% set m = [l, l, l, l, l, l, l, l, l, l] %}"
    "{% set n = [m, m, m, m, m, m, m, m, m, m] %}{% set o = [n, n, n, n, n, n, n, n, n, n] %}"
    "{{ o|length }}",
    "{% set s = 'a' * 1000 %}" + "{% set s = s ~ s %}" * 20 + "{{ s|length }}",
    "{% set x %}{% for i in range(1000) %}{{ 'a' * 100000 }}{% endfor %}{% endset %}{{ x|length }}",
    "{{ range(10**9)|length }}",
    "{% for i in range(10**9) %}{% endfor %}",
    "{{ [1, 2, 3]|batch(1000, 'x' * 100000)|list|string|length }}",
    "{{ ('a.co ' * 20000)|urlize(target='x' * 100000)|length }}",
    "{{ ('a\\n' * 50000)|indent('x' * 1000)|length }}",
    "{{ [['x'] * 10000]|tojson(indent=100000)|length }}",
    "{{ (1).to_bytes(1000000000, 'big')|length }}",
    "{{ 'a'.translate({97: 'b' * 100000}).translate({98: 'c' * 100000})|length }}",
    "{{ ((10 ** 60) ** 60) ** 60 }}",
]
# Refused by the clock rather than by size: each step is small, there are too many.
SLOW = [
    "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "{{ ('word ' * 20000)|wordwrap(1)|length }}",
]
MB = 1024 * 1024


@contextmanager
def peak_memory() -> Iterator[Callable[[], int]]:
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def render(source: str, **context: Any) -> str:
    return render_limited(environment().from_string(source), context)


@pytest.mark.parametrize("source", HUGE)
def test_it_refuses_a_huge_value_before_building_it(source):
    with peak_memory() as peak, pytest.raises(RenderLimitExceeded):
        render(source)

    assert peak() < 20 * MB


@pytest.mark.parametrize("source", SLOW)
def test_it_stops_long_work_at_the_deadline(source, settings):
    settings.RENDER_TIMEOUT_MS = 300

    with peak_memory() as peak, pytest.raises(RenderLimitExceeded, match="too long"):
        render(source)

    assert peak() < 20 * MB


@pytest.mark.parametrize("source", HUGE + SLOW)
def test_the_api_refuses_it_at_save_with_its_line(api, owner, source, settings):
    settings.RENDER_TIMEOUT_MS = 300
    body = "<p>Hello</p>\n<p>\n" + source + "\n</p>"

    with peak_memory() as peak:
        response = api(owner.user).post(
            "/api/v1/messages/",
            {"name": "x", "subject": "Hi", "from_email": "a@example.com", "body": body},
            format="json",
        )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["status"] == 400
    assert error["fields"]["body"][0].startswith("Line 3:")
    assert peak() < 40 * MB


@pytest.mark.parametrize(
    "body,says",
    [
        ("{{1/0}}", "division by zero"),
        ("{{'a'|wordwrap(0)}}", "invalid width 0"),
        ("{{ {'a b':1}|xmlattr }}", "Invalid character in attribute name"),
    ],
)
def test_failing_templates_are_a_400_in_the_api_shape(api, owner, body, says):
    client = api(owner.user)
    fields = {"name": "x", "subject": "Hi", "from_email": "a@example.com"}

    created = client.post("/api/v1/messages/", {**fields, "body": body}, format="json")
    # A message saved before these checks existed: its preview and test send say why too.
    old = MessageFactory(workspace=owner.workspace, body="<p>Hi</p>\n" + body)
    preview = client.get(f"/api/v1/messages/{old.pk}/preview/")
    test_send = client.post(
        f"/api/v1/messages/{old.pk}/test-send/", {"to": ["qa@example.com"]}, format="json"
    )

    assert created.status_code == 400
    assert created.json()["error"]["fields"]["body"][0].startswith("Line 1:")
    assert says in created.json()["error"]["fields"]["body"][0]
    for response in (preview, test_send):
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["body"][0].startswith("Line 2:")


def test_a_failure_in_the_subject_is_reported_on_the_subject(api, owner):
    response = api(owner.user).post(
        "/api/v1/messages/",
        {"name": "x", "subject": "{{ 'a'.ljust(10**9) }}", "from_email": "a@example.com"}
        | {"body": "<p>Hi</p>"},
        format="json",
    )

    assert response.status_code == 400
    assert "Line 1:" in response.json()["error"]["fields"]["subject"][0]


def test_the_line_is_the_bodys_own_inside_a_layout(owner):
    from django.core.exceptions import ValidationError

    from postroom.content.services import message_save

    layout = Layout.objects.create(
        workspace=owner.workspace, name="Frame", html="<html>\n<body>\n{{ content }}\n</body>"
    )

    with pytest.raises(ValidationError) as caught:
        message_save(
            workspace=owner.workspace,
            name="x",
            subject="Hi",
            from_email="a@example.com",
            layout=layout,
            body="<p>one</p>\n<p>{{ 1/0 }}</p>",
        )

    assert caught.value.message_dict["body"][0].startswith("Line 2:")


def test_a_message_saved_before_the_limits_fails_its_render_with_a_clear_error(owner):
    message = MessageFactory(workspace=owner.workspace, body="{{ 'a'.ljust(1000000000) }}")

    with peak_memory() as peak, pytest.raises(RenderLimitExceeded) as caught:
        message_render(message, sample_context())

    assert peak() < 20 * MB
    assert caught.value.lineno == 1 and caught.value.part == "html"


def test_other_errors_come_out_as_template_errors_with_their_line():
    with pytest.raises(RenderError) as caught:
        render("<p>\n{{ subscriber.n / 0 }}</p>", subscriber={"n": 1})

    assert caught.value.lineno == 2 and "division by zero" in str(caught.value)


def test_summing_anything_but_numbers_is_refused():
    assert render("{{ [1, 2.5]|sum }}") == "3.5"
    with pytest.raises(SecurityError):
        render("{{ [[1]] * 3|sum(start=[]) }}")


def test_blocks_and_layouts_are_trial_rendered_at_save(owner):
    from django.core.exceptions import ValidationError

    from postroom.content.services import block_save, layout_save

    with pytest.raises(ValidationError, match="Line 2"):
        block_save(workspace=owner.workspace, key="f", name="F", html="<p>\n{{ 'a'.zfill(10**9) }}")
    with pytest.raises(ValidationError, match="Line 1"):
        layout_save(workspace=owner.workspace, name="L", html="{{ content }}{{ 1/0 }}")


@pytest.mark.parametrize(
    "source,expected",
    [
        ("{{ 'a b c d'|wordwrap(3) }}", "a b\nc d"),
        ("{{ [1, 2, 3, 4]|slice(2)|list }}", "[[1, 2], [3, 4]]"),
        ("{{ [1, 2, 3]|batch(2, 0)|list }}", "[[1, 2], [3, 0]]"),
        ("{{ 'x'|center(5) }}|{{ 'ab'.ljust(4, '.') }}|{{ '7'.zfill(3) }}", "  x  |ab..|007"),
        ("{{ '{} and {n:>3}'.format(1, n=2) }}", "1 and   2"),
        ("{{ ', '.join(['a', 'b']) }}|{{ 'a-b'.replace('-', '+') }}", "a, b|a+b"),
        ("{% set x = [name, name] %}{{ x|join(' ') ~ '!' }}", "Jo Jo!"),
        (
            "{% set t %}<{{ name }}>{% endset %}{{ t }}{% filter upper %}{{ name }}{% endfilter %}",
            "<Jo>JO",
        ),
        ("{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %}", "37"),
        ("{{ {'k': name}|tojson }}|{{ {'a': 1}|xmlattr }}", '{"k": "Jo"}| a="1"'),
        (
            "{{ 'see https://x.org'|urlize }}",
            'see <a href="https://x.org" rel="noopener">https://x.org</a>',
        ),
        ("{{ 2 ** 10 }} {{ 10 ** 60 * 10 ** 60 > 0 }}", "1024 True"),
    ],
)
def test_ordinary_templates_render_as_before(source, expected):
    assert render(source, name="Jo") == expected


@pytest.mark.parametrize(
    "source",
    [
        "{{ subscriber.email.ljust(10 ** 9) }}",
        "{{ subscriber.email.zfill(200000000) }}",
        "{{ (1).to_bytes(length=10 ** 9) }}",
        "{{ '{:>200000000}'.format(subscriber.email) }}",
        "{% for i in range(10 ** 6) %}{% endfor %}",
        "{{ subscriber.email|center(5000) }}",
    ],
)
def test_sizes_written_as_constants_are_refused_on_branches_the_sample_does_not_take(
    api, owner, source
):
    body = "<p>Hi</p>\n{% if subscriber.attributes.vip %}" + source + "{% endif %}"

    response = api(owner.user).post(
        "/api/v1/messages/",
        {"name": "x", "subject": "Hi", "from_email": "a@example.com", "body": body},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["body"][0].startswith("Line 2:")


def test_ordinary_sizes_pass_the_save_checks(owner):
    from postroom.content.services import message_save

    message = message_save(
        workspace=owner.workspace,
        name="x",
        subject="{{ subscriber.first_name.ljust(12, '.') }}",
        from_email="a@example.com",
        body="{% for i in range(1000) %}{% endfor %}{{ 'x'|center(80) }}"
        "{{ '{:>10}'.format(1) }}{{ [1, 2]|batch(3, 99999)|list }}",
    )

    assert message.pk is not None


def test_the_pages_show_the_failure_instead_of_a_500(
    owner, login, django_capture_on_commit_callbacks
):
    from postroom.delivery.models import SandboxMessage

    client = login(owner.user)
    old = MessageFactory(workspace=owner.workspace, body="<p>Hi</p>\n{{ 'a'.center(10**9) }}")

    preview = client.get(f"/app/messages/{old.pk}/preview/")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/app/messages/{old.pk}/test/", {"to": "qa@example.com"}, follow=True)

    assert preview.status_code == 200 and "longer than" in preview.content.decode()
    assert sent.status_code == 200 and "Line 2:" in sent.content.decode()
    assert not SandboxMessage.objects.filter(workspace=owner.workspace).exists()
