"""Print a new API token for a user, once; revoke it in Django admin."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import issue_api_token


class Command(BaseCommand):
    help = "Issue an API token (Authorization: Token <key>) for USERNAME and print it once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--ttl-days",
            type=int,
            default=settings.API_TOKEN_TTL_DAYS,
            help="Days until the token expires; 0 means it never expires.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named '{options['username']}'.") from exc
        if not user.is_active:
            raise CommandError(f"User '{user.username}' is inactive; activate it first.")
        if options["ttl_days"] < 0:
            raise CommandError("--ttl-days must be 0 (no expiry) or positive.")
        instance, key = issue_api_token(user=user, ttl_days=options["ttl_days"] or None)
        expiry = instance.expiry.isoformat() if instance.expiry else "never"
        self.stderr.write(f"Token for '{user.username}' (expires {expiry}); it is not stored, only its hash:")
        self.stdout.write(key)
