"""The watchlists pages: the lists, one list's tickers, "Analyze all" and its ranked opportunities.

Every change goes through `watchlists.services` (the same rules as the JSON API); a refused
change re-renders the page with the message and a 400. Writes need a PM or an admin; anyone
signed in reads. The opportunities table is ranked server-side by the same selector as
`GET /api/watchlists/{id}/opportunities`, which the page's script re-queries after a run and
whenever the filters change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from accounts.roles import can_write
from analysis.agents import AGENT_NAMES
from core.domain_errors import DomainError
from core.flags import Flag, is_enabled
from core.formatting import ny_time
from watchlists import selectors, services
from watchlists.bulk_add import add_pasted_tickers, split_paste
from watchlists.models import Watchlist
from watchlists.serializers import WatchlistSerializer

FILTER_NAMES = ("min_quality", "min_ev")
PAGE_SORT = "expected_net_return"


# ---- Reads and writes: the API's selectors, services and ranking ----------------------------


def _watchlist_or_404(watchlist_id: int) -> Watchlist:
    watchlist = selectors.watchlist(watchlist_id)
    if watchlist is None:
        raise Http404(f"No watchlist with id {watchlist_id}.")
    return watchlist


def _ranking(watchlist: Watchlist, filters: dict[str, str]) -> dict[str, Any]:
    """What `GET /api/watchlists/{id}/opportunities` answers for these filters, ranked as the page
    ranks: by what the call is expected to earn net of costs (the API's default stays EV)."""
    return services.opportunities_report(watchlist=watchlist, params={**filters, "sort": PAGE_SORT})


# ---- Presentation ----------------------------------------------------------------------------


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        return parse_datetime(value)
    return None


def _stamp(row: dict[str, Any], key: str) -> dict[str, str]:
    """`<key>_iso` (UTC) and `<key>_display` (New York, "2025-06-13 16:00 EDT", as the script writes it)."""
    moment = _moment(row.get(key))
    if moment is None:
        return {f"{key}_iso": "", f"{key}_display": ""}
    utc = moment.astimezone(dt.UTC)
    return {
        f"{key}_iso": utc.isoformat().replace("+00:00", "Z"),
        f"{key}_display": ny_time(utc),
    }


def _watchlist_view(watchlist: Watchlist) -> dict[str, Any]:
    """W (the API's shape) with display times."""
    data = WatchlistSerializer(watchlist).data
    return {**data, **_stamp(data, "updated_at"), **_stamp(data, "created_at")}


def _opportunity_view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **_stamp(row, "as_of")}


def _filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in FILTER_NAMES}


def _with_query(url: str, filters: dict[str, str]) -> str:
    query = urlencode({name: value for name, value in filters.items() if value})
    return f"{url}?{query}" if query else url


def _ranking_view(watchlist: Watchlist, filters: dict[str, str]) -> dict[str, Any]:
    """The ranked table as the page shows it, or the filters' error (nothing ranked)."""
    try:
        ranking = _ranking(watchlist, filters)
    except DomainError as exc:
        return {"error": exc.detail, "opportunities": [], "missing": [], "unranked": []}
    return {
        **ranking,
        **_stamp(ranking, "generated_at"),
        "error": "",
        "opportunities": [_opportunity_view(o) for o in ranking["opportunities"]],
    }


def _list_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    context = {
        "watchlists": [_watchlist_view(w) for w in selectors.watchlists()],
        "can_write": can_write(request.user),
        "create_form": {"name": ""},
    }
    context.update(extra)
    return context


def _detail_context(request: HttpRequest, watchlist: Watchlist, **extra: Any) -> dict[str, Any]:
    filters = _filters(request)
    ranking = _ranking_view(watchlist, filters)
    csv_base_url = reverse("api-watchlist-opportunities-csv", args=[watchlist.pk])
    context = {
        "watchlist": _watchlist_view(watchlist),
        "can_write": can_write(request.user),
        "agent_names": AGENT_NAMES,
        "concurrency": max(1, int(settings.WATCHLIST_CONCURRENCY)),
        "add_form": {"ticker": ""},
        "filters": filters,
        "ranking_enabled": is_enabled(Flag.WATCHLIST_RANKING),
        "ranking": ranking,
        "analyze_url": reverse("api-watchlist-analyze", args=[watchlist.pk]),
        "opportunities_url": reverse("api-watchlist-opportunities", args=[watchlist.pk]),
        "csv_base_url": csv_base_url,
        "csv_url": _with_query(csv_base_url, {**filters, "sort": PAGE_SORT}),
    }
    context.update(extra)
    return context


def _writer_only(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied("Your role can read watchlists but not change them; ask a PM or an admin.")


def _detail_error(
    request: HttpRequest, watchlist: Watchlist, message: str, status: int, **extra: Any
) -> HttpResponse:
    context = _detail_context(request, watchlist, ticker_error=message, **extra)
    return render(request, "watchlists/detail.html", context, status=status)


# ---- Pages -----------------------------------------------------------------------------------


def watchlists_page(request: HttpRequest) -> HttpResponse:
    """GET: the lists. POST: create one (PMs and admins), then open it."""
    if request.method != "POST":
        return render(request, "watchlists/index.html", _list_context(request))
    _writer_only(request)
    name = request.POST.get("name", "")
    try:
        created = services.create_watchlist(data={"name": name})
    except DomainError as exc:
        context = _list_context(request, create_error=exc.detail, create_form={"name": name})
        return render(request, "watchlists/index.html", context, status=exc.status_code)
    messages.success(request, f"Watchlist {created.name} created.")
    return redirect("watchlist-detail", watchlist_id=created.pk)


def watchlist_detail_page(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    watchlist = _watchlist_or_404(watchlist_id)
    context = _detail_context(request, watchlist)
    # Filters the endpoint refuses are a 400, with the message where the table would be.
    status = 400 if context["ranking"]["error"] else 200
    return render(request, "watchlists/detail.html", context, status=status)


def _paste_tickers(request: HttpRequest, watchlist: Watchlist, raw: str) -> HttpResponse:
    try:
        report = add_pasted_tickers(watchlist=watchlist, raw=raw)
    except DomainError as exc:
        return _detail_error(request, watchlist, exc.detail, exc.status_code, add_form={"ticker": raw})
    # Refusals and repeats are a warning the PM must read; a clean paste is a plain success.
    level = messages.warning if report.invalid or report.repeated else messages.success
    level(request, report.summary())
    return redirect("watchlist-detail", watchlist_id=watchlist.pk)


@require_POST
def watchlist_ticker_add(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    _writer_only(request)
    watchlist = _watchlist_or_404(watchlist_id)
    # The page's box (`tickers`) takes a paste; one symbol there, or the one-symbol `ticker`
    # field, keeps the single-ticker answers.
    raw = request.POST.get("tickers", request.POST.get("ticker", ""))
    if "tickers" in request.POST and len(split_paste(raw)) > 1:
        return _paste_tickers(request, watchlist, raw)
    try:
        ticker, added = services.add_ticker(watchlist=watchlist, data={"ticker": raw})
    except DomainError as exc:
        return _detail_error(request, watchlist, exc.detail, exc.status_code, add_form={"ticker": raw})
    if added:
        messages.success(request, f"{ticker} added to {watchlist.name}.")
    else:
        messages.info(request, f"{ticker} is already on {watchlist.name}.")
    return redirect("watchlist-detail", watchlist_id=watchlist_id)


@require_POST
def watchlist_ticker_remove(request: HttpRequest, watchlist_id: int, ticker: str) -> HttpResponse:
    _writer_only(request)
    watchlist = _watchlist_or_404(watchlist_id)
    try:
        removed = services.remove_ticker(watchlist=watchlist, raw_ticker=ticker)
    except DomainError as exc:
        return _detail_error(request, watchlist, exc.detail, exc.status_code)
    messages.success(request, f"{removed} removed from {watchlist.name}.")
    return redirect("watchlist-detail", watchlist_id=watchlist_id)


@require_POST
def watchlist_delete(request: HttpRequest, watchlist_id: int) -> HttpResponse:
    _writer_only(request)
    watchlist = _watchlist_or_404(watchlist_id)
    name = watchlist.name
    services.delete_watchlist(watchlist=watchlist)
    messages.success(request, f"Watchlist {name} deleted; its analyses are kept.")
    return redirect("watchlists")
