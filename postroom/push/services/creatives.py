"""Creatives: checked at save time (templates, each platform's size), rendered for one recipient."""

import functools
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from jinja2 import Template, TemplateError

from postroom.accounts.models import Workspace
from postroom.content.rendering import sample_context
from postroom.content.templating import can_loop, environment, render_limited, template_problem
from postroom.push.models import CampaignCreative, Creative
from postroom.push.payloads import Notification, limit_problems, reserved_data_keys

TEMPLATED = ("title", "body", "click_url")


def creative_notification(creative: Creative, context: Mapping[str, Any]) -> Notification:
    """The creative rendered for one recipient (raises jinja2.TemplateError as rendering does)."""

    def render(text: str) -> str:
        if "{" not in text:
            return text
        template, loops = _compiled(text)
        return " ".join(render_limited(template, context, traced=loops).split())

    return Notification(
        title=render(creative.title),
        body=render(creative.body),
        icon=creative.icon_url,
        image=creative.image_url,
        click_url=render(creative.click_url),
        data=dict(creative.data or {}),
        ttl=creative.ttl,
        urgency=creative.urgency,
        collapse_key=creative.collapse_key,
    )


@functools.lru_cache(maxsize=256)
def _compiled(text: str) -> tuple[Template, bool]:
    """A creative's field compiled once per process, not once per device (as `subject_render` would).

    The same title goes to every device of a run: compiling it each time was a
    quarter of a push worker's time (`make bench-push`'s profile).
    """
    env = environment(autoescape=False)
    return env.from_string(text), can_loop(env, text)


def creative_check(creative: Creative) -> None:
    """Refuse broken templates, a data payload that is not an object, and sizes a platform refuses.

    Sizes are checked on the creative rendered for the sample recipient.
    """
    errors: dict[str, list[str]] = {}
    for name in TEMPLATED:
        problem = template_problem(getattr(creative, name))
        if problem is not None:
            errors[name] = problem.as_error(name).message_dict[name]
    if not isinstance(creative.data, dict):
        errors["data"] = [_("The data payload must be a JSON object.")]
    elif reserved_data_keys(creative.data):
        errors["data"] = [
            _("These keys are the providers' own: %(keys)s.")
            % {"keys": ", ".join(reserved_data_keys(creative.data))}
        ]
    elif "\\u0000" in json.dumps(creative.data):
        # PostgreSQL's jsonb refuses NUL characters.
        errors["data"] = [_("The data payload cannot contain NUL characters.")]
    if errors:
        raise ValidationError(errors)
    try:
        notification = creative_notification(creative, sample_context())
    except TemplateError as exc:
        raise ValidationError({"body": [str(exc)]}) from exc
    problems = limit_problems(notification)
    if problems:
        raise ValidationError({"__all__": problems})


@transaction.atomic
def creative_save(
    *, workspace: Workspace, creative: Creative | None, fields: Mapping[str, Any]
) -> Creative:
    """Create or change a creative; raises ValidationError with the field's messages."""
    creative = creative or Creative(workspace=workspace)
    for name, value in fields.items():
        setattr(creative, name, value)
    creative.full_clean(exclude=["workspace"])
    creative_check(creative)
    creative.save()
    return creative


def creative_delete(*, creative: Creative) -> None:
    """Refused while a campaign sends it (the campaign would have nothing to send)."""
    if CampaignCreative.objects.filter(creative=creative).exists():
        raise ValidationError(_("A campaign sends this creative: it cannot be deleted."))
    creative.delete()
