"""Give a user one of the desk roles: viewer, pm or admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import grant_role


class Command(BaseCommand):
    help = "Set USERNAME's desk role (viewer, pm or admin)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=[r.value for r in Role])

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named '{options['username']}'.") from exc
        grant_role(user=user, role=Role(options["role"]))
        self.stdout.write(f"'{user.username}' is now {options['role']}.")
