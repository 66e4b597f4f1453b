from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from postroom.accounts.models import User
from postroom.accounts.services import workspace_create_personal


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            # Signing up creates the personal workspace the user lands in.
            workspace_create_personal(user=user)
        return user
