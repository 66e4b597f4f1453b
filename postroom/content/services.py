"""Writes to messages, layouts and content blocks; every template is checked before it is saved."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.content.models import ContentBlock, Layout, LinkCheck, Message
from postroom.content.rendering import SLOT, body_html_source, message_render, sample_context
from postroom.content.templating import SecurityError, TemplateError, template_problem

TEMPLATE_FIELDS = ("subject", "preheader", "body", "text_body")


def _blocks(workspace_id: int) -> dict[str, str]:
    return dict(ContentBlock.objects.filter(workspace_id=workspace_id).values_list("key", "html"))


def message_check(message: Message) -> None:
    """ValidationError naming the field, line and column of the first broken template."""
    blocks = _blocks(message.workspace_id)
    for field in TEMPLATE_FIELDS:
        source = getattr(message, field)
        if field == "body":
            source = body_html_source(message)
        problem = template_problem(source, blocks=blocks) if source else None
        if problem:
            raise problem.as_error(field)
    try:
        message_render(message, sample_context(), inline_css=False)
    except (SecurityError, TemplateError) as exc:
        raise ValidationError(
            {"body": _("The template fails when rendered: %(e)s") % {"e": exc}}
        ) from exc


@transaction.atomic
def message_save(
    *, workspace: Workspace, message: Message | None = None, user: Any = None, **fields: Any
) -> Message:
    """Create or change a message; refused with the error's position if a template is broken.

    Campaigns approved with the previous version go back to pending approval.
    """
    message = message or Message(workspace=workspace)
    for name, value in fields.items():
        setattr(message, name, value)
    if message.layout is not None and message.layout.workspace_id != workspace.pk:
        raise ValidationError({"layout": _("Unknown layout.")})
    message_check(message)
    if message.pk:
        message.version = F("version") + 1
    existed = message.pk is not None
    message.save()
    message.refresh_from_db()
    if existed:
        from postroom.campaigns.services import campaigns_recheck_for_message

        campaigns_recheck_for_message(message_id=message.pk, user=user)
    return message


def layout_save(*, workspace: Workspace, layout: Layout | None = None, **fields: Any) -> Layout:
    layout = layout or Layout(workspace=workspace)
    for name, value in fields.items():
        setattr(layout, name, value)
    if not SLOT.search(layout.html):
        raise ValidationError({"html": _("The layout needs {{ content }} where the message goes.")})
    problem = template_problem(layout.html, blocks=_blocks(workspace.pk))
    if problem:
        raise problem.as_error("html")
    layout.save()
    _recheck_campaigns(workspace.pk)
    return layout


def _includes(source: str) -> set[str]:
    from jinja2 import nodes

    from postroom.content.templating import environment

    try:
        ast = environment().parse(source)
    except TemplateError:
        return set()
    return {
        n.template.value
        for n in ast.find_all(nodes.Include)
        if isinstance(n.template, nodes.Const) and isinstance(n.template.value, str)
    }


def _include_cycle(start: str, blocks: dict[str, str]) -> bool:
    """Whether `start` reaches itself through includes."""
    seen: set[str] = set()
    pending = list(_includes(blocks.get(start, "")))
    while pending:
        key = pending.pop()
        if key == start:
            return True
        if key in seen:
            continue
        seen.add(key)
        pending.extend(_includes(blocks.get(key, "")))
    return False


def block_save(
    *, workspace: Workspace, block: ContentBlock | None = None, **fields: Any
) -> ContentBlock:
    block = block or ContentBlock(workspace=workspace)
    for name, value in fields.items():
        setattr(block, name, value)
    others = _blocks(workspace.pk)
    others.pop(block.key, None)
    problem = template_problem(block.html, blocks={**others, block.key: block.html})
    if problem:
        raise problem.as_error("html")
    if _include_cycle(block.key, {**others, block.key: block.html}):
        raise ValidationError({"html": _("The blocks would include each other in a cycle.")})
    if (
        ContentBlock.objects.filter(workspace=workspace, key=block.key)
        .exclude(pk=block.pk)
        .exists()
    ):
        raise ValidationError({"key": _("Another block has this key.")})
    block.save()
    _recheck_campaigns(workspace.pk)
    return block


def library_item_delete(*, item: Layout | ContentBlock) -> None:
    """Delete a layout or block; campaigns whose rendered content changes need approval again."""
    workspace_id = item.workspace_id
    item.delete()
    _recheck_campaigns(workspace_id)


def _recheck_campaigns(workspace_id: int) -> None:
    from postroom.campaigns.services import campaigns_recheck_for_workspace

    campaigns_recheck_for_workspace(workspace_id=workspace_id, user=None)


def message_links_check_start(*, message: Message) -> LinkCheck:
    """Queue a link check of the message's current version (a worker does the requests)."""
    from postroom.content.tasks import message_links_check

    running = message.link_checks.filter(
        version=message.version, status=LinkCheck.Status.RUNNING
    ).first()
    if running is not None:
        return running  # one check at a time per message version
    check = LinkCheck.objects.create(message=message, version=message.version)
    transaction.on_commit(lambda: message_links_check(check.pk))
    return check


def message_links_check_run(*, check_id: int) -> None:
    from postroom.content.links import links_check, links_extract
    from postroom.content.rendering import sample_context

    check = LinkCheck.objects.select_related("message__layout").get(pk=check_id)
    results: list[dict[str, Any]] = []
    try:
        html = message_render(check.message, sample_context(), inline_css=False).html
        results = links_check(links_extract(html))
    except Exception as exc:
        # A report that says what went wrong beats one that stays "running" forever.
        failure = {"url": "", "ok": False, "status": None, "final_url": "", "chain": []}
        results = [{**failure, "error": str(exc), "seconds": 0}]
        raise
    finally:
        check.results = results
        check.broken = sum(1 for r in results if not r["ok"])
        check.status = LinkCheck.Status.DONE
        check.save(update_fields=["results", "broken", "status", "updated_at"])
