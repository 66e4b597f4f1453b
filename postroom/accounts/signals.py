"""allauth's account events wired to our services (no logic here)."""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from postroom.accounts.services import user_api_tokens_revoke


@receiver(password_changed)
@receiver(password_reset)
@receiver(password_set)
def revoke_tokens_on_password_change(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    user_api_tokens_revoke(user=user)
