"""The brief as an e-mail: text and HTML through Django's e-mail framework (EMAIL_BACKEND)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from desk.preferences import opt_out_token


def absolute(path: str) -> str:
    """A link the e-mail can carry: the desk's public base URL (BRIEF_BASE_URL) and the path."""
    return settings.BRIEF_BASE_URL.rstrip("/") + path


def brief_message(*, brief: dict[str, Any], user: AbstractBaseUser) -> EmailMultiAlternatives:
    opt_out_url = absolute(reverse("desk-brief-opt-out", args=[opt_out_token(user=user)]))
    context = {"brief": brief, "user": user, "opt_out_url": opt_out_url, "base_url": absolute("")}
    demo = " (demo data)" if brief["data"]["is_demo_data"] else ""
    subject = f"Desk brief since the close of {brief['since_date']:%a %d %b %Y}{demo}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("desk/email_brief.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        # Mail clients show their own unsubscribe button from this header (RFC 2369 / 8058).
        headers={
            "List-Unsubscribe": f"<{opt_out_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("desk/email_brief.html", context), "text/html")
    return message
