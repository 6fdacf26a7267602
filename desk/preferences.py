"""A user's brief e-mail opt-in (writes and reads), and the signed opt-out token."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing

from desk.models import DeskPreferences

# A salt of its own, so no other signed value of the project can stand in for an opt-out token.
OPT_OUT_SALT = "desk.brief-opt-out"


def brief_email_enabled(*, user: AbstractBaseUser) -> bool:
    return DeskPreferences.objects.filter(user=user, brief_email=True).exists()


def set_brief_email(*, user: AbstractBaseUser, enabled: bool) -> DeskPreferences:
    preferences, _ = DeskPreferences.objects.update_or_create(user=user, defaults={"brief_email": enabled})
    return preferences


def opt_out_token(*, user: AbstractBaseUser) -> str:
    """A signed token naming the user; it never expires, as the e-mails carrying it do not."""
    return signing.dumps({"user": user.pk}, salt=OPT_OUT_SALT)


def user_for_opt_out(token: str) -> AbstractBaseUser | None:
    """The user an opt-out token names, or None when it is forged, damaged or the user is gone."""
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
