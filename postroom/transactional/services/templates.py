"""Transactional templates: content Messages of kind "transactional"; versions kept and previewed."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from postroom.accounts.models import Workspace
from postroom.content.models import Message, MessageKind
from postroom.content.rendering import Rendered, message_render, recipient_context
from postroom.transactional.models import TemplateVersion


def tx_template_get(*, workspace: Workspace, template_id: object) -> Message:
    """The workspace's transactional template by id; ValidationError naming the field otherwise."""
    try:
        pk = int(str(template_id))
    except ValueError:
        pk = 0
    message = (
        Message.objects.filter(workspace=workspace, pk=pk, kind=MessageKind.TRANSACTIONAL)
        .select_related("layout")
        .first()
    )
    if message is None:
        raise ValidationError({"template": _("No transactional template with this id.")})
    return message


def template_version_keep(*, message: Message) -> TemplateVersion:
    """The kept copy of the template's current version (made the first time it is sent)."""
    version, _created = TemplateVersion.objects.get_or_create(
        message=message,
        version=message.version,
        defaults={
            "subject": message.subject,
            "body_format": message.body_format,
            "body": message.body,
            "text_body": message.text_body,
            "from_name": message.from_name,
            "from_email": message.from_email,
            "reply_to": message.reply_to,
            "required_variables": list(message.required_variables),
            "suppression_exempt": message.suppression_exempt,
        },
    )
    return version


def variables_missing(*, message: Message, data: dict[str, Any]) -> list[str]:
    """The declared variables `data` does not give (None and "" count as not given)."""
    return [
        name
        for name in message.required_variables
        if name not in data or data[name] is None or data[name] == ""
    ]


def tx_context(*, data: dict[str, Any], email: str, full_name: str = "") -> dict[str, Any]:
    """What a transactional template sees: the request's data at the top, and the recipient."""
    return {**data, **recipient_context(email=email, full_name=full_name)}


def tx_template_preview(*, message: Message, data: dict[str, Any], email: str) -> Rendered:
    """The template rendered with sample data (raises TemplateError for a broken one)."""
    return message_render(message, tx_context(data=data, email=email))


def sample_data(*, message: Message) -> dict[str, str]:
    """A sample value for each declared variable, for a first preview."""
    return {name: f"[{name}]" for name in message.required_variables}
