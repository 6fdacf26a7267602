"""Writes for users, roles and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from accounts.roles import Role

# Apps whose models an admin manages in Django admin.
ADMIN_MANAGED_APPS = (
    "auth",
    "knox",
    "rollout",
    "analysis",
    "calibration",
    "portfolio",
    "alerts",
    "watchlists",
    "datasources",
)


def sync_role_groups() -> None:
    """Create the role groups and give the admin group its admin-site permissions.

    Runs after every migrate (permissions only exist once their models do);
    idempotent.
    """
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    _grant_admin_permissions(Group.objects.get(name=Role.ADMIN.value))


def _grant_admin_permissions(group: Group) -> None:
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_MANAGED_APPS))


def _role_group(role: Role) -> Group:
    group, created = Group.objects.get_or_create(name=role.value)
    if created and role is Role.ADMIN:
        _grant_admin_permissions(group)
    return group


@transaction.atomic
def grant_role(*, user: AbstractUser, role: Role) -> None:
    """Put `user` in exactly one role group; admins may use Django admin."""
    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*role_groups)
    user.groups.add(_role_group(role))
    user.is_staff = role is Role.ADMIN or user.is_superuser
    user.save(update_fields=["is_staff"])


@dataclass(frozen=True)
class AdminBootstrap:
    username: str
    created: bool
    generated_password: str | None


@transaction.atomic
def ensure_first_admin(*, username: str, email: str, password: str) -> AdminBootstrap:
    """Create the first admin unless an admin already exists.

    The password comes from the caller (the environment) or is generated here
    and returned once; an existing admin's password is never touched.
    """
    user_model = get_user_model()
    if user_model.objects.filter(is_superuser=True).exists():
        existing = user_model.objects.filter(is_superuser=True).order_by("pk").first()
        assert existing is not None
        return AdminBootstrap(username=existing.get_username(), created=False, generated_password=None)
    generated = None
    if not password:
        generated = secrets.token_urlsafe(18)
        password = generated
    user = user_model.objects.create_superuser(username=username, email=email, password=password)
    grant_role(user=user, role=Role.ADMIN)
    return AdminBootstrap(username=username, created=True, generated_password=generated)


def issue_api_token(*, user: AbstractUser, ttl_days: int | None) -> tuple[AuthToken, str]:
    """A new token for `user`; only its hash is stored, so the key is shown once."""
    expiry = timedelta(days=ttl_days) if ttl_days else None
    instance, key = AuthToken.objects.create(user=user, expiry=expiry)
    return instance, key


def purge_expired_api_tokens() -> int:
    """Delete expired token rows (knox only drops them when their user signs in)."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
