"""A rendered message made safe to show as a page on our own domain (archive, web view).

Tenant HTML on our origin must not act as us: no script, no form (a password
form on our domain is a phishing page), no meta refresh (a redirect from our
domain), no <base>, frames or plugins. nh3 keeps what mail is made of (tables,
inline and <style> CSS, presentational attributes, links and images) and drops
the rest; the page's Content-Security-Policy (`postroom.core.csp`) backs it up.
"""

import html

import nh3

_TAGS = (nh3.ALLOWED_TAGS | {"style", "font", "section", "main", "picture", "source"}) - {
    "area",
    "map",
}
# Dropped with everything inside them; any other tag not allowed keeps its text.
_DROPPED_WHOLE = {"script", "form", "textarea", "select", "button", "title", "noscript", "iframe"}
_PRESENTATION = {
    "style",
    "class",
    "id",
    "align",
    "valign",
    "width",
    "height",
    "bgcolor",
    "background",
    "border",
    "cellpadding",
    "cellspacing",
    "color",
    "face",
    "size",
    "dir",
    "lang",
    "title",
    "role",
}
_ATTRIBUTES = {
    "*": _PRESENTATION,
    "a": {"href", "target", "name"},
    "img": {"src", "alt", "srcset", "sizes"},
    "source": {"srcset", "media", "type"},
    "td": {"colspan", "rowspan", "nowrap"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
}


def mail_html_for_web(rendered_html: str, *, title: str = "") -> str:
    """A whole HTML document with the message's content, and nothing in it that acts."""
    body = nh3.clean(
        rendered_html,
        tags=_TAGS,
        clean_content_tags=_DROPPED_WHOLE,
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"aria-"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>\n<body>{body}</body></html>\n"
    )
