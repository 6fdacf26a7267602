"""The portfolio page: profile, holdings, exposure and beta, and the optimizer for one ticker.

Every change goes through `portfolio.services` (the same rules as the JSON API); a refused
change re-renders the page with the message and a 400 (404 for an unknown holding, 409 for a
ticker already held). Writes need a PM or an admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import can_write
from analysis.providers import get_provider
from analysis.tickers import normalise_ticker
from core.domain_errors import DomainError
from portfolio.models import FieldSource, MarketValueSource, PortfolioHolding
from portfolio.selectors import portfolio_overview
from portfolio.serializers import PortfolioOverviewSerializer
from portfolio.services import (
    FRACTION_FIELDS,
    HOLDING_FIELDS,
    PROFILE_FIELDS,
    create_holding,
    delete_holding,
    get_holding,
    optimize_ticker,
    update_holding,
    update_profile,
)

ADD_FORM_BLANK = dict.fromkeys(HOLDING_FIELDS, "")


def _pct(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 2)


def _edit_form(holding: dict[str, Any]) -> dict[str, Any]:
    """Values an edit form starts from: computed values stay blank so saving recomputes them."""

    def given(value: Any, source: str | None, kind: str) -> Any:
        return "" if value is None or source != kind else value

    return {
        "ticker": holding["ticker"],
        "shares": holding["shares"],
        "avg_cost": "" if holding["avg_cost"] is None else holding["avg_cost"],
        "market_value": given(
            holding["market_value"], holding["market_value_source"], MarketValueSource.GIVEN
        ),
        "sector": given(holding["sector"], holding["sector_source"], FieldSource.GIVEN),
        "beta": given(holding["beta"], holding["beta_source"], FieldSource.GIVEN),
    }


def _provider_is_demo() -> bool:
    """Whether the configured market data provider is the synthetic demo market."""
    try:
        return bool(get_provider().is_demo)
    except ImproperlyConfigured:
        return False


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    data = PortfolioOverviewSerializer(portfolio_overview()).data
    exposure = {row["ticker"]: row for row in data["exposure"]["by_ticker"]}
    demo_provider = _provider_is_demo()
    recorded = dict(PortfolioHolding.objects.values_list("ticker", "market_value_price_is_demo"))
    rows = []
    for holding in data["holdings"]:
        row = exposure.get(holding["ticker"], {})
        # A value priced from the demo market's close is synthetic and says so: as recorded when
        # it was priced, or, for a row priced before that was recorded, by the configured provider.
        is_demo = recorded.get(holding["ticker"])
        rows.append(
            {
                **holding,
                "price_is_demo": holding.get("market_value_source") == "provider_close"
                and (demo_provider if is_demo is None else is_demo),
                "weight_pct": _pct(row.get("weight")),
                "within_limit": row.get("within_limit", True),
                "beta_assumed": row.get("beta_assumed", False),
                "form": _edit_form(holding),
            }
        )
    sectors = [
        {
            **row,
            "weight_pct": _pct(row["weight"]),
            "limit_pct": _pct(row["limit"]),
            "bar_pct": min(100.0, _pct(row["weight"]) or 0.0),
        }
        for row in data["exposure"]["by_sector"]
    ]
    profile = data["profile"]
    context = {
        "overview": data,
        "profile": profile,
        "profile_form": {name: profile[name] for name in PROFILE_FIELDS},
        "fraction_fields": FRACTION_FIELDS,
        "limits_pct": {name: _pct(profile[name]) for name in FRACTION_FIELDS},
        "rows": rows,
        "sectors": sectors,
        "beta": data["beta"],
        "breaches": data["breaches"],
        "can_write": can_write(request.user),
        "add_form": ADD_FORM_BLANK,
        "optimize_ticker": "",
        "optimization": None,
    }
    context.update(extra)
    return context


def portfolio_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("optimize", "").strip()
    if not raw:
        return render(request, "portfolio/index.html", _context(request))
    try:
        symbol = normalise_ticker(raw)
        optimization = optimize_ticker(symbol)
    except DomainError as exc:  # an invalid ticker among them
        context = _context(request, optimize_ticker=raw, optimize_error=exc.detail)
        return render(request, "portfolio/index.html", context, status=400)
    context = _context(request, optimize_ticker=symbol, optimization=_optimization_view(optimization))
    return render(request, "portfolio/index.html", context)


def _optimization_view(result: dict[str, Any]) -> dict[str, Any]:
    action = result["portfolio_action_v2"]
    return {
        **result,
        "action": action,
        "current_pct": _pct(action["current_weight"]),
        "target_pct": _pct(action["target_weight"]),
        "delta_pct": _pct(action["delta_weight"]),
        "trace": [
            {
                **row,
                "limit_pct": _pct(row["limit"]),
                "projected_pct": _pct(row["projected"]),
            }
            for row in action["constraint_trace"]
        ],
    }


def _page_status(exc: DomainError) -> int:
    """A refused form is a 400 on the page; the API's 422 (a bound of its body) is one too."""
    return 400 if exc.status_code == 422 else exc.status_code


def _writer_only(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied("Your role can read the portfolio but not change it; ask a PM or an admin.")


def _posted(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.POST[name] for name in names if name in request.POST}


@require_POST
def portfolio_profile_update(request: HttpRequest) -> HttpResponse:
    _writer_only(request)
    form = _posted(request, PROFILE_FIELDS)
    try:
        update_profile(**form)
    except DomainError as exc:
        context = _context(request, profile_error=exc.detail)
        context["profile_form"] = {**context["profile_form"], **form}
        return render(request, "portfolio/index.html", context, status=_page_status(exc))
    messages.success(request, "Profile saved.")
    return redirect("portfolio")


@require_POST
def portfolio_holding_add(request: HttpRequest) -> HttpResponse:
    _writer_only(request)
    form = _posted(request, HOLDING_FIELDS)
    # Blank optional fields are left out: the service fills them in.
    fields = {name: value for name, value in form.items() if value.strip() or name in ("ticker", "shares")}
    try:
        holding = create_holding(**fields)
    except DomainError as exc:
        context = _context(request, add_error=exc.detail, add_form={**ADD_FORM_BLANK, **form})
        return render(request, "portfolio/index.html", context, status=_page_status(exc))
    messages.success(request, f"{holding.ticker} added: market value {holding.market_value:,.2f}.")
    return redirect("portfolio")


@require_POST
def portfolio_holding_edit(request: HttpRequest, holding_id: int) -> HttpResponse:
    _writer_only(request)
    form = _posted(request, HOLDING_FIELDS)
    try:
        holding = update_holding(holding_id, **form)
    except DomainError as exc:
        context = _context(request, edit_error=exc.detail, edit_id=holding_id)
        for row in context["rows"]:
            if row["id"] == holding_id:
                row["form"] = {**row["form"], **form}
        return render(request, "portfolio/index.html", context, status=_page_status(exc))
    messages.success(request, f"{holding.ticker} saved: market value {holding.market_value:,.2f}.")
    return redirect("portfolio")


@require_POST
def portfolio_holding_delete(request: HttpRequest, holding_id: int) -> HttpResponse:
    _writer_only(request)
    try:
        ticker = get_holding(holding_id).ticker
        delete_holding(holding_id)
    except DomainError as exc:
        return render(
            request,
            "portfolio/index.html",
            _context(request, edit_error=exc.detail),
            status=_page_status(exc),
        )
    messages.success(request, f"{ticker} deleted.")
    return redirect("portfolio")
