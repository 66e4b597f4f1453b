from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from huey.contrib.djhuey import db_task

from postroom.accounts.invitations import invitation_token_make
from postroom.accounts.models import Invitation


@db_task(retries=5, retry_delay=60)
def invitation_send(invitation_id: int, accept_url: str, language: str) -> None:
    """Mail the invitation link; retried when the relay is unreachable."""
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(pk=invitation_id, accepted_at=None, revoked_at=None)
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "url": accept_url.replace("{token}", invitation_token_make(invitation=invitation)),
    }
    with translation.override(language):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])
