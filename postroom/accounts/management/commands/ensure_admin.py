from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from config import env as E
from postroom.accounts.models import User
from postroom.accounts.services import workspace_create_personal


class Command(BaseCommand):
    help = (
        "Create the superuser named by POSTROOM_ADMIN_EMAIL / POSTROOM_ADMIN_PASSWORD "
        "(email already verified) unless it exists; otherwise say how to create one."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        email, password = E.POSTROOM_ADMIN_EMAIL.strip().lower(), E.POSTROOM_ADMIN_PASSWORD
        if not email or not password:
            if not User.objects.filter(is_superuser=True).exists():
                self.stdout.write(
                    "No administrator yet. Set POSTROOM_ADMIN_EMAIL and POSTROOM_ADMIN_PASSWORD "
                    "and run `make run` again, or run `uv run python manage.py createsuperuser`."
                )
            return
        if User.objects.filter(email__iexact=email).exists():
            self.stdout.write(f"Administrator {email} already exists.")
            return
        with transaction.atomic():
            user = User.objects.create_superuser(email=email, password=password)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            workspace_create_personal(user=user)
        self.stdout.write(self.style.SUCCESS(f"Created administrator {email}."))
