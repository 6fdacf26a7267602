"""Desk pages: the brief on the dashboard, the e-mail opt-in, and the signed opt-out link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from analysis.selectors import current_calls, recent_backdated
from core.flags import flag_posture
from desk.brief import CALL_LIMIT, desk_brief
from desk.preferences import brief_email_enabled, set_brief_email, user_for_opt_out
from desk.window import BadSince


def dashboard_page(request: HttpRequest) -> HttpResponse:
    since = request.GET.get("since", "")
    error = ""
    try:
        brief = desk_brief(since=since)
    except BadSince as exc:
        error = str(exc)
        brief = desk_brief()
    context = {
        "brief": brief,
        "since_error": error,
        "since_value": since if error else brief["since_date"].isoformat(),
        "brief_email": brief_email_enabled(user=request.user),
        # The current call of each ticker, one row each; replays and past-date runs apart.
        "latest_analyses": current_calls(limit=CALL_LIMIT),
        "backdated_analyses": recent_backdated(limit=5),
        "flags": sorted(flag_posture().items()),
    }
    return render(request, "dashboard.html", context, status=400 if error else 200)


@require_POST
def brief_email_preference(request: HttpRequest) -> HttpResponse:
    """Any signed-in user sets their own opt-in (it is theirs, whatever their desk role)."""
    enabled = request.POST.get("brief_email") == "on"
    set_brief_email(user=request.user, enabled=enabled)
    if enabled and not request.user.email:
        messages.warning(request, "Brief e-mails are on, but your account has no e-mail address yet.")
    else:
        messages.success(request, "Brief e-mails are on." if enabled else "Brief e-mails are off.")
    return redirect("dashboard")


# The signed token is the credential here, not a session: the link works signed out, and a mail
# client's one-click unsubscribe (RFC 8058) POSTs without a CSRF token.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def brief_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners follow links); POST turns the brief e-mails off."""
    user = user_for_opt_out(token)
    if user is None:
        return render(request, "desk/opt_out.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        set_brief_email(user=user, enabled=False)
    return render(request, "desk/opt_out.html", {"opt_out_user": user, "done": done})
