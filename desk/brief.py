"""The desk's brief: what changed since the last close, read from every app's own selectors.

Reads only. Current runs only (`analysis.backdating`): a replay or a run as of a past date is
evidence, never a call that changed. Nothing here is computed for a past date: the brief is the
desk as it stands now, compared with the calls it held at the `since` close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from alerts import selectors as alert_selectors
from analysis.market_data import NEW_YORK
from analysis.models import Analysis, market_moment
from analysis.providers import INDEX_TICKER
from analysis.selectors import current_calls
from desk.calibration_health import calibration_health
from desk.window import parse_since, since_moment
from portfolio.models import PortfolioHolding
from watchlists import selectors as watchlist_selectors
from watchlists.ranking import rank_opportunities

# A move at least this large is news: EV in percentage points of 7-day return, confidence in
# fractions (5 points).
EV_MOVE = 1.0
CONFIDENCE_MOVE = 0.05
OPPORTUNITY_LIMIT = 10
ALERT_LIMIT = 20
CALL_LIMIT = 200
# The optimizer's actions that say the position should shrink.
REDUCING_ACTIONS = ("trim", "exit")


def _baseline_calls(tickers: Iterable[str], since: dt.datetime) -> dict[str, Analysis]:
    """{ticker: its current call as it stood at `since`} (the newest current run by then)."""
    wanted = sorted(set(tickers))
    if not wanted:
        return {}
    newest_then = (
        Analysis.objects.filter(ticker=OuterRef("ticker"))
        .current()
        .annotate(moment=market_moment())
        .filter(moment__lte=since)
        .newest_market_moment_first()
        .values("pk")[:1]
    )
    found = Analysis.objects.filter(ticker__in=wanted).current().filter(pk=Subquery(newest_then)).order_by()
    return {analysis.ticker: analysis for analysis in found}


def _confidence(row: dict[str, Any], analysis: Analysis) -> tuple[float | None, str]:
    """The confidence to show and its kind: calibrated only when calibration had samples."""
    if row["confidence_calibrated"] is not None and (row["calibration_sample_size"] or 0) > 0:
        return row["confidence_calibrated"], "calibrated"
    return analysis.confidence_score, "raw"


def _call_row(analysis: Analysis) -> dict[str, Any]:
    row = watchlist_selectors.opportunity_row(analysis)
    confidence, kind = _confidence(row, analysis)
    return {
        "ticker": analysis.ticker,
        "analysis_id": analysis.pk,
        "url": reverse("analysis-ticker", args=[analysis.ticker]),
        "as_of": analysis.effective_as_of,
        "recommendation": analysis.recommendation,
        "ev_score_7d": row["ev_score_7d"],
        "confidence": confidence,
        "confidence_kind": kind,
        "calibration_sample_size": row["calibration_sample_size"],
        "regime_label": row["regime_label"],
        "optimizer_action": row["optimizer_action"],
        "data_source": analysis.data_source,
        "is_demo_data": row["is_demo_data"],
    }


def _difference(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def _changes(row: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    if before is None:
        return ["new"]
    changes = []
    if row["recommendation"] != before["recommendation"]:
        changes.append("flip")
    ev = _difference(row["ev_score_7d"], before["ev_score_7d"])
    if ev is not None and abs(ev) >= EV_MOVE:
        changes.append("ev")
    confidence = _difference(row["confidence"], before["confidence"])
    if confidence is not None and abs(confidence) >= CONFIDENCE_MOVE:
        changes.append("confidence")
    return changes


def _changed_calls(rows: dict[str, dict], before: dict[str, dict], since: dt.datetime) -> list[dict]:
    """Calls made after `since` that are new or moved: flips first, then by the size of the EV move."""
    changed = []
    for ticker, row in rows.items():
        if row["as_of"] <= since:
            continue
        then = before.get(ticker)
        changes = _changes(row, then)
        if not changes:
            continue
        changed.append(
            {
                **row,
                "changes": changes,
                "previous_analysis_id": then["analysis_id"] if then else None,
                "previous_recommendation": then["recommendation"] if then else None,
                "previous_ev_score_7d": then["ev_score_7d"] if then else None,
                "ev_change": _difference(row["ev_score_7d"], then["ev_score_7d"]) if then else None,
                "previous_confidence": then["confidence"] if then else None,
                "confidence_change": _difference(row["confidence"], then["confidence"]) if then else None,
            }
        )
    changed.sort(key=lambda c: ("flip" not in c["changes"], -abs(c["ev_change"] or 0.0), c["ticker"]))
    return changed


def _alerts(since: dt.datetime) -> dict[str, Any]:
    items = [
        {
            "id": n.pk,
            "ticker": n.ticker,
            "message": n.message,
            "rule_type": n.alert_rule.rule_type,
            "analysis_id": n.analysis_id,
            "created_at": n.created_at,
            "fired_since": n.created_at > since,
            "url": reverse("analysis-ticker", args=[n.ticker]),
        }
        for n in alert_selectors.notifications(unacknowledged_only=True, limit=ALERT_LIMIT)
    ]
    return {"unacknowledged_count": alert_selectors.unread_count(), "items": items, "url": reverse("alerts")}


def _watchlists() -> list[dict[str, Any]]:
    return [
        {
            "id": w.pk,
            "name": w.name,
            "tickers": watchlist_selectors.tickers_of(w),
            "url": reverse("watchlist-detail", args=[w.pk]),
        }
        for w in watchlist_selectors.watchlists()
    ]


def _opportunities(watchlists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The best ranked ideas across every watchlist, each with the watchlists it came from."""
    sources: dict[str, list[dict[str, Any]]] = {}
    for w in watchlists:
        for ticker in w["tickers"]:
            sources.setdefault(ticker, []).append({"id": w["id"], "name": w["name"], "url": w["url"]})
    rows, _missing, _unranked = watchlist_selectors.latest_rows(sources)
    ranked = rank_opportunities(rows, limit=OPPORTUNITY_LIMIT)
    return [
        {**row, "watchlists": sources[row["ticker"]], "url": reverse("analysis-ticker", args=[row["ticker"]])}
        for row in ranked
    ]


def _holdings_at_risk(rows: dict[str, dict]) -> list[dict[str, Any]]:
    """Holdings (long: shares are never negative) whose call is SELL or whose optimizer says shrink."""
    at_risk = []
    for holding in PortfolioHolding.objects.order_by("ticker"):
        row = rows.get(holding.ticker)
        if row is None:
            continue
        reasons = []
        if row["recommendation"] == "SELL":
            reasons.append("the current call is SELL against a long position")
        if row["optimizer_action"] in REDUCING_ACTIONS:
            reasons.append(f"the optimizer says {row['optimizer_action']}")
        if reasons:
            at_risk.append(
                {**row, "shares": holding.shares, "market_value": holding.market_value, "reasons": reasons}
            )
    return at_risk


def _market_regime(rows: dict[str, dict], before: dict[str, dict], since: dt.datetime) -> dict[str, Any]:
    """The index's regime now and at `since`: every call carries the regime of the index (SPY).

    The index's own call when it has one, else the newest call that carries a regime.
    """

    def pick(candidates: dict[str, dict]) -> dict[str, Any] | None:
        if candidates.get(INDEX_TICKER, {}).get("regime_label"):
            return candidates[INDEX_TICKER]
        labelled = [row for row in candidates.values() if row["regime_label"]]
        return max(labelled, key=lambda row: (row["as_of"], row["analysis_id"]), default=None)

    now = pick(rows)
    then = pick({t: r for t, r in before.items()})
    label, previous = (now or {}).get("regime_label"), (then or {}).get("regime_label")
    return {
        "index": INDEX_TICKER,
        "label": label,
        "previous_label": previous,
        "changed": bool(label and previous and label != previous),
        "as_of": (now or {}).get("as_of"),
        "since": since,
    }


def _ticker_regimes(
    rows: dict[str, dict], before: dict[str, dict], held: set[str], watched: set[str]
) -> list[dict[str, Any]]:
    moves = []
    for ticker in sorted(held | watched):
        row, then = rows.get(ticker), before.get(ticker)
        if not row or not then or not row["regime_label"] or not then["regime_label"]:
            continue
        if row["regime_label"] != then["regime_label"]:
            moves.append(
                {
                    "ticker": ticker,
                    "label": row["regime_label"],
                    "previous_label": then["regime_label"],
                    "held": ticker in held,
                    "watched": ticker in watched,
                    "analysis_id": row["analysis_id"],
                    "url": row["url"],
                }
            )
    return moves


def _data_note(rows: dict[str, dict]) -> dict[str, Any]:
    sources = sorted({row["data_source"] for row in rows.values() if row["data_source"]})
    return {
        "as_of": max((row["as_of"] for row in rows.values()), default=None),
        "sources": sources,
        "provider": settings.MARKET_DATA_PROVIDER,
        "is_demo_data": any(row["is_demo_data"] for row in rows.values())
        or (not rows and settings.MARKET_DATA_PROVIDER == "demo"),
    }


def desk_brief(*, since: str | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    """The brief since the close of `since` (YYYY-MM-DD; default the last close).

    Raises `desk.window.BadSince` for a malformed or future date.
    """
    now = now or timezone.now()
    since_day, is_default = parse_since(since, now=now)
    start = since_moment(since_day)
    current = current_calls(limit=CALL_LIMIT)
    rows = {analysis.ticker: _call_row(analysis) for analysis in current}
    before = {t: _call_row(a) for t, a in _baseline_calls(rows, start).items()}
    watchlists = _watchlists()
    held = set(PortfolioHolding.objects.values_list("ticker", flat=True))
    watched = {ticker for w in watchlists for ticker in w["tickers"]}
    return {
        "generated_at": now,
        "since": start,
        "since_date": since_day,
        "since_is_default": is_default,
        "first_start": not Analysis.objects.exists(),
        "data": _data_note(rows),
        "changed_calls": _changed_calls(rows, before, start),
        "current_calls": sorted(rows.values(), key=lambda r: r["ticker"]),
        "alerts": _alerts(start),
        "opportunities": _opportunities(watchlists),
        "holdings_at_risk": _holdings_at_risk(rows),
        "regime": {
            "market": _market_regime(rows, before, start),
            "tickers": _ticker_regimes(rows, before, held, watched),
        },
        "calibration": calibration_health(as_of_date=now.astimezone(NEW_YORK).date()),
        "watchlists": watchlists,
    }
