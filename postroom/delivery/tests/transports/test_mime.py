"""Mail bytes built around a per-version skeleton parse as the email package expects."""

import datetime as dt
from email import message_from_bytes
from email.policy import default

from postroom.delivery.transports.mime import (
    MessageSkeleton,
    Recipient,
    header_clean,
    html_with_preheader,
)


def build(**overrides):
    skeleton = MessageSkeleton(
        from_name=overrides.pop("from_name", "News Desk"),
        from_email="news@example.com",
        reply_to=overrides.pop("reply_to", "help@example.com"),
        list_id="Weekly <campaign-1.2.example.com>",
    )
    fields = {
        "email": "ann@example.com",
        "name": "Ann",
        "subject": "Hello",
        "text": "Hi Ann,\nline two",
        "html": "<html><body><p>Hi Ann</p></body></html>",
        "message_id": "<1.abc@example.com>",
        "date": dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC),
        "list_unsubscribe": "<https://x.example/u/t/>, <mailto:unsubscribe@example.com>",
    }
    fields.update(overrides)
    return message_from_bytes(skeleton.build(Recipient(**fields)), policy=default)


def test_headers_and_both_parts_round_trip():
    message = build(subject="Привет, Ann — 50% off", name="Анна Иванова")

    assert message["Subject"] == "Привет, Ann — 50% off"
    assert message["To"].addresses[0].display_name == "Анна Иванова"
    assert message["From"].addresses[0].addr_spec == "news@example.com"
    assert message["Reply-To"] == "help@example.com"
    assert message["Message-ID"] == "<1.abc@example.com>"
    assert message["Date"].datetime == dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Precedence"] == "bulk"
    text, html = message.get_payload()
    assert text.get_content().replace("\r\n", "\n") == "Hi Ann,\nline two\n"
    assert "<p>Hi Ann</p>" in html.get_content()


def test_no_user_value_can_add_a_header():
    message = build(
        subject="Hi\r\nBcc: victim@example.org",
        name="Eve\nX-Injected: yes",
        from_name="Desk\r\nCc: x@example.org",
        email="ann@example.com\r\nBcc: y@example.org",
    )

    for name in ("Bcc", "Cc", "X-Injected"):
        assert message[name] is None
    assert message["Subject"] == "Hi Bcc: victim@example.org"
    assert header_clean("a\r\nb\x00c") == "a b c"


def test_a_boundary_in_the_body_cannot_split_the_message():
    skeleton = MessageSkeleton(from_name="", from_email="n@example.com")
    html = f"<p>--{skeleton.boundary}</p>"
    data = skeleton.build(
        Recipient(
            email="a@example.com",
            name="",
            subject="s",
            text=f"--{skeleton.boundary}--",
            html=html,
            message_id="<x@example.com>",
            date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    )
    parts = list(message_from_bytes(data, policy=default).iter_parts())
    assert len(parts) == 2
    assert parts[1].get_content().strip() == html


def test_long_lines_are_folded_and_every_line_ends_in_crlf():
    data = MessageSkeleton(from_name="", from_email="n@example.com").build(
        Recipient(
            email="a@example.com",
            name="",
            subject="word " * 60,
            text="x" * 5000,
            html="<p>" + "y" * 5000 + "</p>",
            message_id="<x@example.com>",
            date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            list_unsubscribe="<https://example.com/u/" + "t" * 90 + "/>, <mailto:u@example.com>",
        )
    )
    lines = data.split(b"\r\n")
    assert all(len(line) <= 998 and b"\n" not in line for line in lines)
    assert message_from_bytes(data, policy=default)["Subject"] == ("word " * 60).strip()


def test_the_preheader_is_the_first_hidden_text_of_the_body():
    html = html_with_preheader("<html><body class='x'><p>Hi</p></body></html>", "Sale <today>")
    assert html.startswith("<html><body class='x'><div style=\"display:none")
    assert "Sale &lt;today&gt;</div><p>Hi</p>" in html


def test_bodies_go_as_they_are_when_they_can_and_quoted_printable_when_not():
    def parts(**fields):
        eight_bit = fields.pop("eight_bit")
        data = MessageSkeleton(from_name="", from_email="n@example.com").build(
            Recipient(
                email="a@example.com",
                name="",
                subject="s",
                message_id="<x@example.com>",
                date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                **fields,
            ),
            eight_bit=eight_bit,
        )
        return list(message_from_bytes(data, policy=default).iter_parts())

    ascii_parts = parts(text="plain", html="<p>plain</p>", eight_bit=False)
    assert [p["Content-Transfer-Encoding"] for p in ascii_parts] == ["7bit", "7bit"]
    utf8 = parts(text="Привет", html="<p>Привет</p>", eight_bit=True)
    assert [p["Content-Transfer-Encoding"] for p in utf8] == ["8bit", "8bit"]
    assert utf8[1].get_content().strip() == "<p>Привет</p>"
    no_8bit = parts(text="Привет", html="<p>Привет</p>", eight_bit=False)
    assert no_8bit[0]["Content-Transfer-Encoding"] == "quoted-printable"
    assert no_8bit[0].get_content().strip() == "Привет"
    long_line = parts(text="x" * 2000, html="<p>ok</p>", eight_bit=True)
    assert long_line[0]["Content-Transfer-Encoding"] == "quoted-printable"


def test_a_non_ascii_list_name_keeps_its_id_readable_and_long_words_are_split():
    from email.utils import formataddr

    message = build(subject="x" * 2000)
    assert message["Subject"] == "x" * 2000
    skeleton = MessageSkeleton(
        from_name="",
        from_email="n@example.com",
        list_id=formataddr(("Новости", "c-1.2.example.com")),
    )
    data = skeleton.build(
        Recipient(
            email="a@example.com",
            name="",
            subject="s",
            text="t",
            html="<p>h</p>",
            message_id="<x@example.com>",
            date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    )
    assert b"<c-1.2.example.com>" in data
    assert all(len(line) <= 998 for line in build(subject="y" * 3000).as_bytes().split(b"\n"))
