"""Markdown to HTML that is safe to show: rendered by Python-Markdown, cleaned by nh3."""

import markdown as md
import nh3

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
