"""Create the first admin; print a generated password once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import ensure_first_admin


class Command(BaseCommand):
    help = (
        "Create the first admin user unless one exists. The password is "
        "PMRESEARCH_ADMIN_PASSWORD, or a random one printed once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default=settings.PMRESEARCH_ADMIN_USERNAME)
        parser.add_argument("--email", default=settings.PMRESEARCH_ADMIN_EMAIL)

    def handle(self, *args: Any, **options: Any) -> None:
        result = ensure_first_admin(
            username=options["username"],
            email=options["email"],
            password=settings.PMRESEARCH_ADMIN_PASSWORD,
        )
        if not result.created:
            self.stdout.write(f"Admin '{result.username}' already exists; nothing changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Created admin '{result.username}'."))
        if result.generated_password:
            self.stdout.write(
                f"Generated password (shown once, change it after signing in): {result.generated_password}"
            )
        else:
            self.stdout.write("Password taken from PMRESEARCH_ADMIN_PASSWORD.")
