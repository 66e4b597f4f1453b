"""Markdown to HTML that is safe to show: rendered by Python-Markdown, cleaned by nh3."""

from html import unescape

import markdown as md
import nh3
from django.utils.html import strip_tags
from django.utils.text import Truncator

_TAGS = nh3.ALLOWED_TAGS | {"img", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "hr"}
_ATTRIBUTES = {
    **nh3.ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "title", "width", "height"},
    "a": {"href", "title"},
}


def markdown_render(text: str) -> str:
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_excerpt(text: str, *, words: int = 30) -> str:
    """The first `words` words of a Markdown text as plain text (for cards and previews).

    Rendered first, so that `**bold**` and `[links](…)` show as the reader sees
    them, not as their markup.
    """
    plain = " ".join(unescape(strip_tags(markdown_render(text))).split())
    return Truncator(plain).words(words)
