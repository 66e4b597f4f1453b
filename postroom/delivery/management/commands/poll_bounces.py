from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from postroom.delivery.bounces.mailbox import mailbox_poll
from postroom.delivery.models import MailboxProtocol, SmtpRelay


class Command(BaseCommand):
    help = "Read the relays' bounce mailboxes now (the workers do it every five minutes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--relay", type=int, help="only this relay (by id)")

    def handle(self, *args: Any, **options: Any) -> None:
        relays = SmtpRelay.objects.exclude(mailbox_protocol=MailboxProtocol.NONE).order_by("pk")
        if options["relay"] is not None:
            relays = relays.filter(pk=options["relay"])
            if not relays.exists():
                raise CommandError(f"No relay {options['relay']} with a bounce mailbox")
        else:
            relays = relays.filter(is_active=True)
        failed = 0
        for relay in relays:
            result = mailbox_poll(relay)
            line = (
                f"{relay.name}: {result.fetched} read, {result.processed} taken in, "
                f"{result.ignored} left alone, {result.failed} to retry"
            )
            if result.error:
                failed += 1
                self.stderr.write(f"{line}; error: {result.error}")
            else:
                self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} mailbox(es) could not be read")
