"""Reads over watchlists, and the latest analysis of each of their tickers as opportunity rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower

from analysis.models import Analysis, SchemaVersion
from watchlists.models import Watchlist, WatchlistTicker
from watchlists.ranking import DEFAULT_SORT, rank_opportunities

# Only what an opportunity row needs (the payload is read for the optimizer's action).
ROW_COLUMNS = (
    "id",
    "ticker",
    "timestamp",
    "as_of",
    "recommendation",
    "analysis_schema_version",
    "ev_score_7d",
    "confidence_calibrated",
    "data_quality_score",
    "regime_label",
    "data_source",
    "signal_contract_v2",
    "analysis_payload",
)


def watchlists() -> QuerySet[Watchlist]:
    """Every watchlist with its tickers, by name (case-insensitively)."""
    return Watchlist.objects.prefetch_related("tickers").order_by(Lower("name"), "id")


def watchlists_newest_first() -> QuerySet[Watchlist]:
    """Every watchlist with its tickers, the newest first (the earlier API's list order)."""
    return Watchlist.objects.prefetch_related("tickers").order_by("-created_at", "-id")


def watchlist(watchlist_id: int) -> Watchlist | None:
    return watchlists().filter(pk=watchlist_id).first()


def tickers_of(watchlist: Watchlist) -> list[str]:
    """The watchlist's tickers, sorted (uses the prefetched rows when there are some)."""
    return sorted(item.ticker for item in watchlist.tickers.all())


def ticker_rows(watchlist: Watchlist) -> list[WatchlistTicker]:
    """The watchlist's ticker rows, newest first (as the earlier API listed them)."""
    return sorted(watchlist.tickers.all(), key=lambda item: (item.added_at, item.pk), reverse=True)


def _latest_of(tickers: Iterable[str]) -> QuerySet[Analysis]:
    """Each ticker's current call (as `latest`): its current run with the newest market moment.

    Backdated runs (replays, runs as of a past date) are never ranked or shown as the call.
    """
    newest = (
        Analysis.objects.filter(ticker=OuterRef("ticker"))
        .current()
        .newest_market_moment_first()
        .values("pk")[:1]
    )
    return (
        Analysis.objects.filter(ticker__in=sorted(set(tickers)))
        .current()
        .filter(pk=Subquery(newest))
        .order_by()
    )


def latest_analyses(tickers: Iterable[str]) -> dict[str, Analysis]:
    """{ticker: its current call}; a ticker with none (or only backdated runs) is absent."""
    return {analysis.ticker: analysis for analysis in _latest_of(tickers)}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _json_number(value: Any) -> float | None:
    """A number read from a stored contract or payload exactly as stored (an int stays an int,
    as the API has always answered it), or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _action(value: Any) -> str | None:
    """An action as text: the string itself, or an action object's `recommended_action`/`action`."""
    if isinstance(value, str):
        return value or None
    mapping = _mapping(value)
    for key in ("recommended_action", "action"):
        if isinstance(mapping.get(key), str) and mapping[key]:
            return mapping[key]
    return None


def has_contract(analysis: Analysis) -> bool:
    """Whether the analysis carries a signal contract (a v2 analysis): only those are ranked."""
    return analysis.analysis_schema_version == SchemaVersion.V2 and bool(analysis.signal_contract_v2)


def opportunity_row(analysis: Analysis) -> dict[str, Any]:
    """One analysis as an unranked opportunity row (`watchlists.ranking.ROW_FIELDS`).

    v1 analyses have no EV, calibrated confidence, data quality or regime (None), like the
    canonical analysis shape; the calibration sample size and capacity come from the signal
    contract, the optimizer's action from `portfolio_action_v2` (None when the optimizer did
    not run).
    """
    v2 = analysis.analysis_schema_version == SchemaVersion.V2
    contract = _mapping(analysis.signal_contract_v2) if v2 else {}
    payload = _mapping(analysis.analysis_payload)
    optimizer = _mapping(payload.get("portfolio_action_v2"))
    action = optimizer.get("action")
    return {
        "ticker": analysis.ticker,
        "analysis_id": analysis.pk,
        "timestamp": analysis.timestamp.isoformat(),
        "as_of": analysis.effective_as_of.isoformat(),
        "recommendation": analysis.recommendation,
        "ev_score_7d": analysis.ev_score_7d if v2 else None,
        # Beside the contract, at the analysis level (None for analyses made before they existed).
        "expected_net_return_pct": _json_number(_mapping(payload.get("expected_net_return_pct")).get("7d")),
        "expected_return_source": payload.get("expected_return_source")
        if isinstance(payload.get("expected_return_source"), str)
        else None,
        "confidence_calibrated": analysis.confidence_calibrated if v2 else None,
        "calibration_sample_size": _whole(_mapping(contract.get("confidence")).get("sample_size")),
        "data_quality_score": analysis.data_quality_score if v2 else None,
        "capacity_usd": _json_number(_mapping(contract.get("liquidity")).get("capacity_usd")),
        "regime_label": analysis.regime_label if v2 else None,
        "recommended_action": _action(optimizer) or _action(payload.get("portfolio_action")),
        "optimizer_action": action if isinstance(action, str) else None,
        "is_demo_data": analysis.data_source == "demo",
    }


def latest_rows(tickers: Iterable[str]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(rows of each ticker's latest stored analysis that carries a signal contract, sorted
    tickers with no analysis, sorted tickers whose latest analysis has no contract).

    As in the earlier API, only a contract's values are ranked: a ticker whose latest analysis
    is v1 (SIGNAL_CONTRACT_V2_ENABLED off) is left out of the rows. Reads only; nothing is re-run.
    """
    wanted = sorted(set(tickers))
    found = list(_latest_of(wanted).only(*ROW_COLUMNS))
    seen = {analysis.ticker for analysis in found}
    unranked = sorted(analysis.ticker for analysis in found if not has_contract(analysis))
    rows = [opportunity_row(analysis) for analysis in found if has_contract(analysis)]
    return rows, [t for t in wanted if t not in seen], unranked


def rows_for_analyses(analysis_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Opportunity rows of these analyses (a watchlist run's results) that carry a signal contract."""
    return [
        opportunity_row(analysis)
        for analysis in Analysis.objects.filter(pk__in=list(analysis_ids)).only(*ROW_COLUMNS).order_by()
        if has_contract(analysis)
    ]


def ranked_opportunities(
    watchlist: Watchlist,
    *,
    limit: int,
    min_quality: float | None = None,
    min_ev: float | None = None,
    sort: str = DEFAULT_SORT,
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """(the ranked opportunities of the watchlist's tickers, tickers with no analysis yet,
    tickers whose latest analysis carries no signal contract)."""
    rows, missing, unranked = latest_rows(tickers_of(watchlist))
    ranked = rank_opportunities(rows, min_quality=min_quality, min_ev=min_ev, limit=limit, sort=sort)
    return ranked, missing, unranked
