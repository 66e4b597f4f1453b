"""Post cards show an excerpt as the reader sees the post, not its Markdown."""

import pytest

from postroom.blog.markdown import markdown_excerpt
from postroom.blog.tests.factories import PostFactory


def test_the_excerpt_is_the_rendered_text():
    text = "# Title\n\nA **bold** post with [a link](https://example.com) & `code`.\n\n* one\n* two"

    assert markdown_excerpt(text) == "Title A bold post with a link & code. one two"


def test_the_excerpt_keeps_the_first_words_and_drops_scripts():
    text = "<script>alert(1)</script>" + " ".join(f"w{i}" for i in range(50))

    excerpt = markdown_excerpt(text, words=5)

    assert excerpt == "w0 w1 w2 w3 w4…"


@pytest.mark.django_db
def test_the_landing_page_and_the_blog_show_cards_without_markup(client):
    PostFactory(body="Some **bold** words and a [link](https://example.com).")

    for url in ("/", "/blog/"):
        html = client.get(url).content.decode()
        assert "Some bold words and a link." in html
        assert "**" not in html and "](" not in html
