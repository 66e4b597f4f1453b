"""The per-recipient rewrite: plain replacement where exact, the same result as the full scan."""

import pytest

from postroom.tracking.links import Rewriter

LINKS = {"https://shop.example.com/sale?x=1&y=2": 1, "https://shop.example.com/a": 2}
HTML = (
    "<html><body><p>"
    '<a href="https://shop.example.com/sale?x=1&amp;y=2">Sale</a> '
    "<a class='b' href='https://shop.example.com/a'>A</a> "
    '<a href="https://shop.example.com/a">A again</a> '
    '<a href="https://shop.example.com/ab">Not registered</a>'
    "</p></body></html>"
)


def rewriters(html):
    fast = Rewriter(LINKS, clicks=True, opens=True)
    fast.learn(html)
    slow = Rewriter(LINKS, clicks=True, opens=True)
    return fast, slow


def test_plain_replacement_gives_what_the_full_scan_gives():
    fast, slow = rewriters(HTML)
    assert fast.needles is not None and slow.needles is None
    assert fast.html(HTML, 42) == slow.html(HTML, 42)
    assert fast.html(HTML, 42).count("/t/c/") == 3
    assert "https://shop.example.com/ab" in fast.html(HTML, 42)


@pytest.mark.parametrize(
    "html",
    [
        HTML.replace(
            "A again</a>", 'A again</a><a data-notrack href="https://shop.example.com/a">x</a>'
        ),
        HTML.replace("</p>", '<link href="https://shop.example.com/a"></p>'),
    ],
    ids=["opted-out-twin", "outside-an-anchor"],
)
def test_ambiguous_messages_keep_the_full_scan(html):
    fast, slow = rewriters(html)
    assert fast.needles is None
    assert fast.html(html, 7) == slow.html(html, 7)


def test_text_urls_are_replaced_only_as_whole_urls():
    rewriter = Rewriter(LINKS, clicks=True, opens=False)
    text = (
        "Sale: https://shop.example.com/sale?x=1&y=2.\n"
        "More [https://shop.example.com/a] and https://shop.example.com/ab\n"
        "via https://r.example.net/?u=https://shop.example.com/a\n"
    )
    out = rewriter.text(text, 5)
    assert out.count("/t/c/") == 2
    assert ".\n" in out.split("\n")[0][-2:] + "\n"  # the full stop stays after the link
    assert "https://shop.example.com/ab" in out
    assert "u=https://shop.example.com/a" in out
