"""Celery tasks for accounts: an interface over accounts.services."""

from __future__ import annotations

from celery import shared_task

from accounts.services import purge_expired_api_tokens


@shared_task(name="accounts.purge_expired_api_tokens")
def purge_expired_api_tokens_task() -> int:
    return purge_expired_api_tokens()
