"""E-mail the desk brief now: to the users who opted in, or to one user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.services import BriefRecipientError, deliver_brief, recipient
from desk.window import BadSince


class Command(BaseCommand):
    help = (
        "E-mail the desk brief (text and HTML) through EMAIL_BACKEND to every user who opted in "
        "on the dashboard, or to --to USERNAME whether opted in or not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", help="Brief since this date's close (YYYY-MM-DD); default the last close."
        )
        parser.add_argument("--to", metavar="USERNAME", help="Send to this user only.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            users = [recipient(options["to"])] if options["to"] else None
            result = deliver_brief(since=options["since"], users=users)
        except (BadSince, BriefRecipientError) as exc:
            raise CommandError(str(exc)) from None
        if not result.sent and not result.skipped:
            self.stdout.write("Nobody has opted in to the brief e-mail; nothing sent.")
        if result.sent:
            self.stdout.write(self.style.SUCCESS(f"Brief sent to {', '.join(result.sent)}."))
        if result.skipped:
            self.stdout.write(f"Not sent (no e-mail address): {', '.join(result.skipped)}.")
