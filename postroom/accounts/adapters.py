from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from postroom.accounts.models import User
from postroom.accounts.services import workspace_create_personal


@dataclass(frozen=True)
class MailSite:
    """What allauth's mail templates read of the site: its name and its domain."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # Signing up creates the personal workspace the user lands in.
            workspace_create_personal(user=user)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Without django.contrib.sites allauth names the site after the request's
        # host ("Hello from 127.0.0.1:8131!"); account mail is from the product.
        request = allauth_context.request
        domain = request.get_host() if request is not None else urlsplit(settings.SITE_URL).netloc
        site = MailSite(name="Postroom", domain=domain)
        super().send_mail(template_prefix, email, {"current_site": site, **context})
