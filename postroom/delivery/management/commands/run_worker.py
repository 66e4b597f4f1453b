from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Start a worker: sends campaigns, runs imports and the periodic jobs. "
        "Start as many as you like (with PostgreSQL and REDIS_URL, on as many machines)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.HUEY["consumer"]["workers"],
            help="jobs run at once by this worker (HUEY_WORKERS)",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="do not run the periodic jobs here (another worker does)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--no-periodic"] if options["no_periodic"] else []
        call_command("run_huey", "--workers", str(options["threads"]), *extra)
