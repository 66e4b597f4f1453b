"""Messages compiled once per version, rendered per recipient with plain-data contexts."""

import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import unescape
from html.parser import HTMLParser
from typing import Any

import css_inline
import markdown
from django.conf import settings
from django.db.models import Count, Max
from django.dispatch import Signal
from inscriptis import get_text
from inscriptis.model.config import ParserConfig

from postroom.content.models import BodyFormat, ContentBlock, Message
from postroom.content.plans import Plan, plan_make
from postroom.content.templating import can_loop, environment, render_limited

SLOT = re.compile(r"\{\{\s*content\s*\}\}")


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str
    preheader: str


@dataclass(frozen=True)
class CompiledMessage:
    subject: Any
    preheader: Any
    html: Any
    text: Any
    # Which templates can loop and are rendered under the line tracer.
    traced: frozenset[str] = frozenset({"subject", "preheader", "html", "text"})
    # The HTML template had its CSS inlined once at compile time.
    html_inlined: bool = False
    # Templates that only print values, rendered without Jinja (see plans.py).
    plans: Mapping[str, Plan] = field(default_factory=dict)


def body_html(message: Message) -> str:
    """The message's own HTML template source: its body, Markdown converted."""
    if message.body_format == BodyFormat.MARKDOWN:
        return markdown.markdown(message.body, extensions=["extra", "sane_lists"])
    return message.body


def body_html_source(message: Message) -> str:
    """The message's HTML template source: Markdown converted, framed by its layout."""
    body = body_html(message)
    if message.layout is not None and SLOT.search(message.layout.html):
        return SLOT.sub(lambda _m: body, message.layout.html, count=1)
    return body


def text_source(html_source: str) -> str:
    """A text template from an HTML template: Jinja tags are text to inscriptis and survive."""
    return get_text(html_source, ParserConfig(display_links=True)).strip() + "\n"


def _blocks_revision(workspace_id: int) -> str:
    # The count too: deleting a block other than the latest changes no date.
    found = ContentBlock.objects.filter(workspace_id=workspace_id).aggregate(
        m=Max("updated_at"), n=Count("id")
    )
    return f"{found['m'].isoformat()}/{found['n']}" if found["m"] else "-"


_CACHE: "OrderedDict[tuple[Any, ...], CompiledMessage]" = OrderedDict()
_CACHE_SIZE = 256


def message_revision(message: Message) -> tuple[Any, ...]:
    """What the rendered message depends on besides the recipient: its version, layout, blocks.

    It changes whenever the message, its layout or a block of its workspace is
    saved, so caches of compiled templates and rendered pages key on it.
    """
    layout_revision = message.layout.updated_at.isoformat() if message.layout else "-"
    return (
        message.pk,
        message.version,
        message.updated_at,
        layout_revision,
        _blocks_revision(message.workspace_id),
    )


def message_compile(message: Message) -> CompiledMessage:
    """Compiled templates of `message`, cached per message version, layout and blocks revision.

    Rendering for a million recipients compiles once; an unsaved message
    (checked before its first save) is compiled without caching.
    """
    if message.pk is None:
        return _build(message)
    key = message_revision(message)
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _CACHE[key] = _build(message)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled


def _build(message: Message) -> CompiledMessage:
    blocks = dict(
        ContentBlock.objects.filter(workspace_id=message.workspace_id).values_list("key", "html")
    )
    html_env = environment(blocks=blocks)
    text_env = environment(blocks=blocks, autoescape=False)
    html_source = body_html_source(message)
    text = message.text_body or text_source(html_source)
    sources = {
        "subject": (text_env, message.subject),
        "preheader": (text_env, message.preheader),
        "html": (html_env, html_source),
        "text": (text_env, text),
    }
    traced = frozenset(name for name, (env, src) in sources.items() if can_loop(env, src))
    html = html_env.from_string(html_source)
    inlined = _inlined_once(html_env, html_source, html, blocks, "html" in traced)
    if inlined is not None:
        sources["html"] = (html_env, inlined[1])
    compiled = CompiledMessage(
        subject=text_env.from_string(message.subject),
        preheader=text_env.from_string(message.preheader),
        html=inlined[0] if inlined else html,
        text=text_env.from_string(text),
        traced=traced,
        html_inlined=inlined is not None,
    )
    return _with_plans(compiled, sources)


def _with_plans(
    compiled: CompiledMessage, sources: Mapping[str, tuple[Any, str]]
) -> CompiledMessage:
    """Plans for the templates that only print values, where they agree with Jinja on samples.

    The HTML gets one only when its CSS was inlined at compile time: otherwise
    each recipient's HTML goes through the inliner, which a plan cannot skip.
    """
    plans = {}
    for name, (env, source) in sources.items():
        if name == "html" and not compiled.html_inlined:
            continue
        plan = plan_make(env, source)
        template = getattr(compiled, name)
        if plan is not None and all(
            plan.render(sample) in (None, render_limited(template, sample, traced=False, part=name))
            for sample in contrasting_samples()
        ):
            plans[name] = plan
    return replace(compiled, plans=plans)


_INCLUDE = re.compile(r"""\{%-?\s*include\s+(["'])([\w-]+)\1\s*-?%\}""")
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.I | re.S)
# Selectors whose match can depend on a personalized value, not on structure alone.
_VALUE_SELECTORS = ("[", ":empty", ":has", ":contains", ":not", ":blank")
_SAFE_ATTRIBUTES = frozenset({"href", "src", "alt", "title"})
# Never fetch stylesheets: not while saving a message, not while sending.
INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


class _TagCheck(HTMLParser):
    """Finds `{{ }}` where it could change which CSS rules apply: tag or attribute names,
    and attributes other than links, images and titles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.varies = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if "{" in tag:
            self.varies = True
        for name, value in attrs:
            if "{" in name or ("{{" in (value or "") and name not in _SAFE_ATTRIBUTES):
                self.varies = True
        if tag == "link":
            self.varies = True  # an external stylesheet: inline per recipient, without it

    handle_startendtag = handle_starttag


def _fixed_structure(html: str) -> bool:
    if "{%" in html or "{#" in html:
        return False
    if any(word in html for word in ("safe", "urlize", "xmlattr")):
        return False
    for css in _STYLE.findall(html):
        if "{{" in css or any(marker in css for marker in _VALUE_SELECTORS):
            return False
    check = _TagCheck()
    check.feed(html)
    check.close()
    return not check.varies


def contrasting_samples() -> list[dict[str, Any]]:
    """Contrasting recipients: a plain one, and one whose every value is empty or URL-like."""
    odd_url = "https://example.com/x?a=1&b=<2>"
    odd = recipient_context(
        email="o'neil@example.com",
        full_name="",
        urls={"unsubscribe": odd_url, "preferences": odd_url, "web_view": odd_url},
    )
    return [sample_context(), odd]


def _inlined_once(
    env: Any, source: str, template: Any, blocks: Mapping[str, str], loops: bool
) -> tuple[Any, str] | None:
    """The HTML template with its CSS inlined at compile time, when that is exact.

    Inlining per recipient costs more than the rest of the rendering. When the
    template has a fixed structure (no `{% %}` logic once blocks are pasted in,
    `{{ }}` only in text and in link, image or title attributes, no filter that
    makes markup, no selector that looks at values) the styles land on the same
    elements for everyone, so inlining the source once equals inlining each
    result. Contrasting sample renders must agree too; otherwise each
    recipient's HTML is inlined as before.
    """
    if loops:
        return None
    expanded = source
    for _ in range(5):
        expanded = _INCLUDE.sub(lambda m: blocks.get(m.group(2), m.group(0)), expanded)
    if not _fixed_structure(expanded):
        return None
    try:
        inlined_source = INLINER.inline(expanded)
        inlined = env.from_string(inlined_source)
        for sample in contrasting_samples():
            once = render_limited(inlined, sample, traced=False)
            each = INLINER.inline(render_limited(template, sample, traced=False))
            # Escaping may differ (&#39; or ', &lt; or < in attributes); the text may not.
            if unescape(once) != unescape(each):
                return None
    except Exception:
        return None
    return inlined, inlined_source


def message_render(
    message: Message, context: Mapping[str, Any], *, inline_css: bool = True
) -> Rendered:
    """Subject, HTML (CSS inlined, as sent) and text of `message` for one recipient."""
    return compiled_render(message_compile(message), context, inline_css=inline_css)


# Sent for every rendering of a message for one recipient (sender: CompiledMessage);
# what public pages count to show that they serve from their cache.
message_rendered = Signal()


def compiled_render(
    compiled: CompiledMessage, context: Mapping[str, Any], *, inline_css: bool = True
) -> Rendered:
    """`message_render` for callers that compiled once for many recipients (the sender)."""
    message_rendered.send(sender=CompiledMessage)
    html = _render(compiled, "html", context)
    if inline_css and not compiled.html_inlined:
        html = INLINER.inline(html)
    return Rendered(
        subject=" ".join(_render(compiled, "subject", context).split()),
        html=html,
        text=_render(compiled, "text", context),
        preheader=" ".join(_render(compiled, "preheader", context).split()),
    )


def subject_render(
    *, subject: str, context: Mapping[str, Any], blocks: Mapping[str, str] | None = None
) -> str:
    """A subject template alone, for pages that list many messages without their bodies.

    Compiling whole messages (HTML, CSS inlining) to show a list of subjects
    would cost a hundred times more. Raises what rendering raises (TemplateError).
    """
    env = environment(blocks=blocks, autoescape=False)
    template = env.from_string(subject)
    return " ".join(render_limited(template, context, traced=can_loop(env, subject)).split())


def _render(compiled: CompiledMessage, name: str, context: Mapping[str, Any]) -> str:
    plan = compiled.plans.get(name)
    if plan is not None:
        output = plan.render(context)
        if output is not None and len(output) <= settings.RENDER_MAX_CHARS:
            return output
    return render_limited(
        getattr(compiled, name), context, traced=name in compiled.traced, part=name
    )


def recipient_context(
    *,
    email: str,
    full_name: str = "",
    attributes: Mapping[str, Any] | None = None,
    language: str = "",
    time_zone: str = "",
    urls: Mapping[str, str] | None = None,
    campaign: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The variables a template sees; plain data only, so the sandbox has nothing to reach."""
    urls = dict(urls or {})
    return {
        "subscriber": {
            "email": email,
            "full_name": full_name,
            "first_name": full_name.split(" ")[0] if full_name else "",
            "attributes": dict(attributes or {}),
            "language": language,
            "time_zone": time_zone,
        },
        "unsubscribe_url": urls.get("unsubscribe", "#"),
        "preferences_url": urls.get("preferences", "#"),
        "web_view_url": urls.get("web_view", "#"),
        "campaign": dict(campaign or {}),
    }


def sample_context() -> dict[str, Any]:
    return recipient_context(email="jane@example.com", full_name="Jane Doe", attributes={})
