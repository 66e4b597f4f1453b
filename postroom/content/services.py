"""Writes to messages, layouts and content blocks; every template is checked before it is saved."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from postroom.accounts.models import Membership, User, Workspace
from postroom.accounts.roles import Perm
from postroom.audience.models import Subscriber
from postroom.content.models import ContentBlock, Layout, LinkCheck, Message
from postroom.content.previews import message_preview
from postroom.content.rendering import (
    SLOT,
    body_html,
    body_html_source,
    message_render,
    sample_context,
)
from postroom.content.signals import content_changed, message_changed
from postroom.content.templating import (
    TemplateError,
    TemplateProblem,
    environment,
    render_limited,
    template_problem,
)
from postroom.core.unset import UNSET, Unset, fields_assign

TEMPLATE_FIELDS = ("subject", "preheader", "body", "text_body")


def _blocks(workspace_id: int) -> dict[str, str]:
    return dict(ContentBlock.objects.filter(workspace_id=workspace_id).values_list("key", "html"))


def message_check(message: Message) -> None:
    """ValidationError naming the field, line and column of the first broken template.

    Besides syntax, a trial render with a sample subscriber must succeed: a
    template that fails or passes the render limits is refused here, with
    the line of the failing tag, rather than at every recipient.
    """
    blocks = _blocks(message.workspace_id)
    for field in TEMPLATE_FIELDS:
        source = getattr(message, field)
        if field == "body":
            source = body_html_source(message)
        problem = template_problem(source, blocks=blocks) if source else None
        if problem:
            raise _in_field(message, field, problem)
    try:
        message_render(message, sample_context(), inline_css=False)
    except TemplateError as exc:
        raise render_error(message, exc) from exc


# Which field a failing template comes from.
_PART_FIELDS = {"subject": "subject", "preheader": "preheader", "html": "body", "text": "text_body"}


def render_error(message: Message, exc: TemplateError) -> ValidationError:
    """The ValidationError for a render failure of `message`: its field and line."""
    field = _PART_FIELDS.get(getattr(exc, "part", ""), "body")
    if field == "text_body" and not message.text_body:
        field = "body"  # the text was made from the HTML body
    text = _("The template fails when rendered: %(e)s") % {"e": exc}
    line = getattr(exc, "lineno", None)
    if not line:
        return ValidationError({field: text})
    return _in_field(message, field, TemplateProblem(line, 0, text))


def _in_field(message: Message, field: str, problem: TemplateProblem) -> ValidationError:
    """The problem's error with the line counted in the field itself.

    The body is checked and rendered inside its layout: lines before the
    body belong to the layout, and the body's own lines start at 1.
    """
    if field != "body" or message.layout is None:
        return problem.as_error(field)
    slot = SLOT.search(message.layout.html)
    if slot is None:
        return problem.as_error(field)
    first = message.layout.html.count("\n", 0, slot.start()) + 1
    body_lines = body_html(message).count("\n")
    if first <= problem.line <= first + body_lines:
        return problem.as_error(field, line=problem.line - first + 1)
    line = problem.line if problem.line < first else problem.line - body_lines
    return ValidationError(
        {
            field: _("In the layout “%(layout)s”, line %(line)s: %(message)s")
            % {"layout": message.layout.name, "line": line, "message": problem.message}
        }
    )


@transaction.atomic
def message_save(
    *,
    workspace: Workspace,
    message: Message | None = None,
    user: User | None = None,
    name: str | Unset = UNSET,
    subject: str | Unset = UNSET,
    preheader: str | Unset = UNSET,
    from_name: str | Unset = UNSET,
    from_email: str | Unset = UNSET,
    reply_to: str | Unset = UNSET,
    body_format: str | Unset = UNSET,
    layout: Layout | Unset | None = UNSET,
    body: str | Unset = UNSET,
    text_body: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    required_variables: list[str] | Unset = UNSET,
    suppression_exempt: bool | Unset = UNSET,
) -> Message:
    """Create or change a message; refused with the error's position if a template is broken.

    A transactional message (`kind`) declares the variables every send must give
    (`required_variables`, names) and whether it goes to suppressed addresses too.

    Fields left UNSET keep their value (a new message: the model's default).
    Campaigns approved with the previous version go back to pending approval
    (`message_changed`, sent with `user` in this transaction).
    """
    message = message or Message(workspace=workspace)
    was_exempt = message.suppression_exempt
    fields_assign(
        message,
        name=name,
        subject=subject,
        preheader=preheader,
        from_name=from_name,
        from_email=from_email,
        reply_to=reply_to,
        body_format=body_format,
        layout=layout,
        body=body,
        text_body=text_body,
        kind=kind,
        required_variables=required_variables,
        suppression_exempt=suppression_exempt,
    )
    message.required_variables = variable_names_check(message.required_variables)
    if message.suppression_exempt and not was_exempt:
        _exemption_allowed(workspace, user)
    if message.layout is not None and message.layout.workspace_id != workspace.pk:
        raise ValidationError({"layout": _("Unknown layout.")})
    message_check(message)
    if message.pk:
        message.version = F("version") + 1
    existed = message.pk is not None
    message.save()
    message.refresh_from_db()
    if existed:
        message_changed.send(sender=Message, message_id=message.pk, user=user)
    return message


def _exemption_allowed(workspace: Workspace, user: User | None) -> None:
    """Mail to suppressed addresses is the workspace's decision: owners and admins only."""
    if user is None:
        return  # the system (a migration, a command), not a person
    membership = Membership.objects.filter(user=user, workspace=workspace).first()
    if membership is None or not membership.has(Perm.WORKSPACE_CHANGE):
        raise ValidationError(
            {
                "suppression_exempt": _(
                    "Only the workspace's owners and admins may exempt a template from "
                    "the suppression list."
                )
            }
        )


_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_RESERVED = {"subscriber", "campaign", "unsubscribe_url", "preferences_url", "web_view_url"}


def variable_names_check(names: Any) -> list[str]:
    """Declared variable names: identifiers, not the recipient's own ones, each once."""
    if not isinstance(names, list) or len(names) > 100:
        raise ValidationError({"required_variables": _("A list of at most 100 names.")})
    wrong = [
        str(name)[:64]
        for name in names
        if not isinstance(name, str) or not _VARIABLE.match(name) or name in _RESERVED
    ]
    if wrong:
        raise ValidationError(
            {
                "required_variables": _(
                    "Not a variable name (letters, digits and _; not a reserved name): %(names)s"
                )
                % {"names": ", ".join(wrong)}
            }
        )
    return list(dict.fromkeys(names))


def layout_save(
    *,
    workspace: Workspace,
    layout: Layout | None = None,
    name: str | Unset = UNSET,
    html: str | Unset = UNSET,
) -> Layout:
    """Create or change a layout (fields left UNSET keep their value); its HTML must hold
    `{{ content }}` and render. Every campaign of the workspace is checked again."""
    layout = layout or Layout(workspace=workspace)
    fields_assign(layout, name=name, html=html)
    if not SLOT.search(layout.html):
        raise ValidationError({"html": _("The layout needs {{ content }} where the message goes.")})
    blocks = _blocks(workspace.pk)
    problem = template_problem(layout.html, blocks=blocks) or _trial_render(layout.html, blocks)
    if problem:
        raise problem.as_error("html")
    layout.save()
    content_changed.send(sender=Layout, workspace_id=workspace.pk, user=None)
    return layout


def _trial_render(source: str, blocks: dict[str, str]) -> TemplateProblem | None:
    """A layout or block rendered alone for a sample subscriber: its first failure, if any."""
    try:
        render_limited(environment(blocks=blocks).from_string(source), sample_context())
    except TemplateError as exc:
        text = _("The template fails when rendered: %(e)s") % {"e": exc}
        return TemplateProblem(getattr(exc, "lineno", None) or 1, 0, text)
    return None


def _includes(source: str) -> set[str]:
    from jinja2 import nodes

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
    *,
    workspace: Workspace,
    block: ContentBlock | None = None,
    key: str | Unset = UNSET,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    html: str | Unset = UNSET,
) -> ContentBlock:
    """Create or change a content block (fields left UNSET keep their value).

    Refused when its HTML does not render, when blocks would include each other
    in a cycle, or when another block has its key. Every campaign of the
    workspace is checked again.
    """
    block = block or ContentBlock(workspace=workspace)
    fields_assign(block, key=key, name=name, kind=kind, html=html)
    others = _blocks(workspace.pk)
    others.pop(block.key, None)
    blocks = {**others, block.key: block.html}
    problem = template_problem(block.html, blocks=blocks)
    if problem is None and not _include_cycle(block.key, blocks):
        problem = _trial_render(block.html, blocks)
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
    content_changed.send(sender=ContentBlock, workspace_id=workspace.pk, user=None)
    return block


def library_item_delete(*, item: Layout | ContentBlock) -> None:
    """Delete a layout or block; campaigns whose rendered content changes need approval again."""
    workspace_id = item.workspace_id
    item.delete()
    content_changed.send(sender=type(item), workspace_id=workspace_id, user=None)


def message_test_send_check(*, message: Message, subscriber_id: int | None, base_url: str) -> None:
    """ValidationError when the message cannot be rendered for the test's subscriber.

    Checked before the test is queued, so that the sender hears of it at once
    rather than from a worker's log.
    """
    subscriber = (
        Subscriber.objects.filter(pk=subscriber_id, workspace_id=message.workspace_id).first()
        if subscriber_id
        else None
    )
    try:
        message_preview(message=message, subscriber=subscriber, base_url=base_url)
    except TemplateError as exc:
        raise render_error(message, exc) from exc


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
