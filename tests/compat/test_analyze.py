"""POST /api/analyze/{ticker} and its SSE stream, against the earlier system's recordings."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client

from analysis.agents import parallel as agent_running
from analysis.market_data import MarketDataError
from analysis.models import Analysis
from analysis.serializers import AnalysisResponseSerializer
from calibration.selectors import market_today
from orchestration import analysis as services
from pmresearch.errors import INTERNAL_ERROR_DETAIL
from tests.compat.recordings import load
from tests.compat.replay import body_of, replay, send, set_flags
from tests.compat.shape import shape_differences
from tests.factories import (
    AlertRuleFactory,
    PortfolioHoldingFactory,
    PortfolioProfileFactory,
)

pytestmark = pytest.mark.django_db

# Agent `data` is free-form per agent and its keys are compared by the agent-data suite
# (test_agent_data.py); here only the envelope of each agent result is held to the recording.
AGENT_DATA = tuple(
    f"agent_results.{name}.data"
    for name in ("news", "market", "fundamentals", "technical", "macro", "options", "sentiment")
)
STREAM_AGENT_DATA = tuple(f"result.{path}" for path in AGENT_DATA)

# With a single agent (or news and sentiment only) our synthesis names only the risks and
# opportunities that agent's data shows, and there may be none; the earlier fallback listed
# fixed placeholders ("Market volatility", ...) whatever the data.
NOTHING_NOTABLE = ("analysis.risks", "analysis.opportunities")

ANALYSIS_KEYS = list(load("POST__api_analyze_{ticker}").response_body["analysis"])


def _portfolio() -> None:
    """A book holding the ticker (and its sector), so the portfolio actions size a real position."""
    PortfolioProfileFactory(max_position_pct=0.12, max_sector_pct=0.35)
    PortfolioHoldingFactory(ticker="AAPL", shares=100.0, market_value=80_000.0, sector="Technology")
    PortfolioHoldingFactory(ticker="MSFT", shares=10.0, market_value=15_000.0, sector="Technology")
    PortfolioHoldingFactory(ticker="XOM", shares=10.0, market_value=5_000.0, sector="Energy")


def _previous(api: Any, ticker: str, agents: str | None = None) -> Analysis:
    """An earlier analysis of the ticker, as of today's session, whose confidence then differed.

    The earlier runs compared themselves with an earlier analysis and found a confidence
    shift (recorded `material_changes`); the same market data with the stored confidence
    moved by 0.3 gives exactly that change.
    """
    query = f"?as_of={market_today().isoformat()}" + (f"&agents={agents}" if agents else "")
    response = api.post(f"/api/analyze/{ticker}{query}")
    assert response.status_code == 200, response.content
    previous = Analysis.objects.get(pk=response.json()["analysis_id"])
    snapshot = dict(previous.analysis_payload["signal_snapshot"])
    snapshot["confidence"] = round(
        snapshot["confidence"] + (0.3 if snapshot["confidence"] < 0.5 else -0.3), 4
    )
    previous.analysis_payload = {**previous.analysis_payload, "signal_snapshot": snapshot}
    previous.save(update_fields=["analysis_payload"])
    return previous


@pytest.fixture
def fundamentals_offline(monkeypatch: Any) -> None:
    """The earlier runs were offline and their fundamentals agent failed outright; so does ours."""
    real = agent_running.agent_runner

    def runner(name: str) -> Any:
        if name != "fundamentals":
            return real(name)

        def fail(ctx: Any) -> Any:
            raise MarketDataError("No fundamentals data for this ticker")

        return fail

    monkeypatch.setattr(agent_running, "agent_runner", runner)


def _check_analysis_object(analysis: dict[str, Any]) -> None:
    # Always the 28 keys of the earlier object (ours may add more beside them).
    assert [key for key in analysis if key in ANALYSIS_KEYS] == ANALYSIS_KEYS
    assert set(analysis["scenarios"]) == {"bull", "base", "bear"}
    assert analysis["changes_since_last_run"] == analysis["change_summary"]


def test_post_analyze(api: Any, fundamentals_offline: None) -> None:
    AlertRuleFactory(ticker="AAPL")
    _portfolio()
    previous = _previous(api, "AAPL")
    body = replay(api, "POST__api_analyze_{ticker}", ignore=AGENT_DATA)
    assert body["ticker"] == "AAPL"
    assert list(body["agent_results"]) == [
        "news", "market", "fundamentals", "technical", "macro", "options", "sentiment"
    ]  # fmt: skip
    assert body["agent_results"]["fundamentals"]["success"] is False
    analysis = body["analysis"]
    _check_analysis_object(analysis)
    assert analysis["analysis_schema_version"] == body["analysis_schema_version"] == "v2"
    changes = analysis["change_summary"]
    assert changes["has_previous"] is True
    assert changes["compared_to_analysis_id"] == previous.pk
    assert changes["change_count"] == len(changes["material_changes"]) == 1
    assert changes["material_changes"][0]["type"] == "confidence_shift"
    assert analysis["diagnostics"]["data_quality"]["failed_agents"] == ["fundamentals"]
    assert analysis["portfolio_action"]["constraint_checks"][0]["name"] == "max_position"
    assert analysis["portfolio_action_v2"]["recommended_action"] in ("add", "trim", "exit", "hold")
    # The stored analysis hydrates the same object.
    stored = api.get("/api/analysis/AAPL/latest").json()
    for key in ("scenarios", "change_summary", "diagnostics", "portfolio_action", "signal_snapshot"):
        assert stored["analysis"][key] == analysis[key], key


def test_post_analyze_agents_dependency(api: Any) -> None:
    _previous(api, "AAPL", agents="sentiment")
    body = replay(
        api, "POST__api_analyze_{ticker}_agents_dependency", ignore=AGENT_DATA, allow_empty=NOTHING_NOTABLE
    )
    assert list(body["agent_results"]) == ["news", "sentiment"]


def test_post_analyze_agents_normalized(api: Any) -> None:
    _previous(api, "NVDA", agents="market,technical")
    body = replay(
        api, "POST__api_analyze_{ticker}_agents_normalized", ignore=AGENT_DATA, allow_empty=NOTHING_NOTABLE
    )
    assert list(body["agent_results"]) == ["market", "technical"]
    assert body["ticker"] == "NVDA"


def test_post_analyze_agents_subset(api: Any) -> None:
    _previous(api, "NVDA", agents="technical")
    body = replay(
        api, "POST__api_analyze_{ticker}_agents_subset", ignore=AGENT_DATA, allow_empty=NOTHING_NOTABLE
    )
    assert list(body["agent_results"]) == ["technical"]
    assert body["analysis"]["change_summary"]["change_count"] == 1


def test_post_analyze_flags_off(api: Any, fundamentals_offline: None) -> None:
    _previous(api, "AAPL")
    body = replay(api, "POST__api_analyze_{ticker}_flags_off", ignore=AGENT_DATA)
    analysis = body["analysis"]
    _check_analysis_object(analysis)
    assert body["analysis_schema_version"] == analysis["analysis_schema_version"] == "v1"
    for key in ("portfolio_action_v2", "signal_contract_v2", "ev_score_7d", "confidence_calibrated"):
        assert analysis[key] is None


def _locked(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("database is locked")


def test_post_analyze_analysis_failed(api: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "persist_analysis", _locked)
    body = replay(api, "POST__api_analyze_{ticker}_analysis_failed")
    # No raw exception text (allowed difference): our generic detail.
    assert body["detail"] == INTERNAL_ERROR_DETAIL
    assert not Analysis.objects.exists()


def test_post_analyze_invalid_ticker(api: Any) -> None:
    replay(api, "POST__api_analyze_{ticker}_invalid_ticker")


def test_post_analyze_ticker_too_long(api: Any) -> None:
    replay(api, "POST__api_analyze_{ticker}_ticker_too_long")


def test_post_analyze_unknown_agent(api: Any) -> None:
    body = replay(api, "POST__api_analyze_{ticker}_unknown_agent")
    assert body["detail"] == load("POST__api_analyze_{ticker}_unknown_agent").response_body["detail"]
    assert not Analysis.objects.exists()


def test_get_analyze_method_not_allowed(api: Any) -> None:
    replay(api, "GET__api_analyze_{ticker}_method_not_allowed")


def _stages(events: list[tuple[str, Any]]) -> list[str]:
    """The stages as the earlier stream sent them: one per step start (ours adds finishes)."""
    return [
        data["stage"]
        for name, data in events
        if name == "progress" and data["step"] not in ("agent_done", "synthesis")
    ]


# The streamed analysis runs in a worker thread on its own connection, as under uvicorn.
STREAM_DB = pytest.mark.django_db(transaction=True)
RUNNING = sorted(
    f"running_{name}" for name in ("news", "market", "fundamentals", "technical", "macro", "options")
)


@STREAM_DB
def test_stream(api: Any, fundamentals_offline: None) -> None:
    _portfolio()
    _previous(api, "AAPL")
    events = replay(api, "GET__api_analyze_{ticker}_stream", ignore=STREAM_AGENT_DATA)
    stages = _stages(events)
    assert stages[:2] == ["starting", "gathering_data"]
    assert stages[-4:] == ["analyzing_sentiment", "synthesizing", "saving", "complete"]
    assert sorted(stages[2:-4]) == RUNNING
    assert [name for name, _ in events][-2:] == ["progress", "result"]
    result = events[-1][1]
    assert result["ticker"] == "AAPL"
    assert Analysis.objects.filter(pk=result["analysis_id"]).exists()


@STREAM_DB
def test_stream_agents_subset(api: Any) -> None:
    _previous(api, "NVDA", agents="market,technical")
    events = replay(
        api,
        "GET__api_analyze_{ticker}_stream_agents_subset",
        ignore=STREAM_AGENT_DATA,
        allow_empty=tuple(f"result.{path}" for path in NOTHING_NOTABLE),
    )
    assert _stages(events) == [
        "starting", "gathering_data", "running_market", "running_technical",
        "synthesizing", "saving", "complete",
    ]  # fmt: skip
    assert list(events[-1][1]["agent_results"]) == ["market", "technical"]


@STREAM_DB
def test_stream_flags_off(api: Any, fundamentals_offline: None) -> None:
    _previous(api, "AAPL")
    events = replay(api, "GET__api_analyze_{ticker}_stream_flags_off", ignore=STREAM_AGENT_DATA)
    assert sorted(_stages(events)[2:-4]) == RUNNING
    assert events[-1][1]["analysis_schema_version"] == "v1"


@STREAM_DB
def test_stream_analysis_failed(api: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "persist_analysis", _locked)
    events = replay(api, "GET__api_analyze_{ticker}_stream_analysis_failed")
    assert _stages(events) == [
        "starting",
        "gathering_data",
        "running_market",
        "synthesizing",
        "saving",
        "error",
    ]
    name, data = events[-1]
    # No raw exception text (allowed difference): our generic detail.
    assert name == "error" and data["error"] == INTERNAL_ERROR_DETAIL and data["ticker"] == "NVDA"
    assert not Analysis.objects.exists()


def test_stream_invalid_ticker(api: Any) -> None:
    replay(api, "GET__api_analyze_{ticker}_stream_invalid_ticker")


def test_stream_unknown_agent(api: Any) -> None:
    body = replay(api, "GET__api_analyze_{ticker}_stream_unknown_agent")
    assert body["detail"] == load("GET__api_analyze_{ticker}_stream_unknown_agent").response_body["detail"]


def _as_stored_before_the_earlier_shapes(analysis: Analysis) -> None:
    """Rewrite a stored analysis as rows were written before the earlier shapes came back."""
    payload = dict(analysis.analysis_payload)
    payload["scenarios"] = payload.pop("scenario_list")
    change = dict(analysis.change_summary)
    for key in ("material_changes", "change_count", "compared_to_analysis_id", "compared_to_timestamp"):
        change.pop(key)
    payload["change_summary"] = change
    payload["changes_since_last_run"] = [c["label"] for c in change["changes"]]
    diag = dict(payload["diagnostics"])
    for key in ("disagreement", "data_quality", "fallback_sources", "news_freshness_hours"):
        diag.pop(key)
    payload["diagnostics"] = diag
    snapshot = payload["signal_snapshot"]
    payload["signal_snapshot"] = {
        "recommendation": snapshot["recommendation"],
        "score": snapshot["score"],
        "confidence": snapshot["confidence"],
        "market_trend": snapshot["market_trend"],
        "sentiment_regime": snapshot["sentiment_regime"],
        "fundamentals_health": snapshot["fundamentals_health"],
        "options_signal": snapshot["options_signal_score"],
        "put_call_ratio": snapshot["put_call_ratio"],
        "macro_risk_environment": snapshot["macro_risk_environment"],
    }
    earlier_v1 = ("fit_score", "current_position_pct", "projected_position_pct", "sector_exposure_pct")
    earlier_v1 += ("risk_budget_utilization_pct", "constraint_checks", "rationale")
    payload["portfolio_action"] = {
        k: v for k, v in payload["portfolio_action"].items() if k not in earlier_v1
    }
    action = {
        k: v
        for k, v in payload["portfolio_action_v2"].items()
        if k not in ("recommended_action", "objective_score", "current_position_pct", "target_position_pct")
        and k not in ("target_delta_pct", "projected_sector_pct", "signal_inputs", "search_space")
        and k != "fit_score_exact"
    }
    action["fit_score"] = payload["portfolio_action_v2"]["fit_score_exact"]
    action["constraint_trace"] = [
        {k: v for k, v in row.items() if k not in ("limit_pct", "projected_pct", "status")}
        for row in action["constraint_trace"]
    ]
    payload["portfolio_action_v2"] = action
    card = {k: v for k, v in analysis.decision_card.items() if k != "position_sizing_hint"}
    payload["decision_card"] = card
    contract = analysis.signal_contract_v2
    contract["execution_plan"]["entry_zone"].pop("reference")
    analysis.analysis_payload = payload
    analysis.change_summary = change
    analysis.decision_card = card
    analysis.signal_contract_v2 = contract
    analysis.save()


def test_rows_stored_before_the_earlier_shapes_read_in_them(api: Any, fundamentals_offline: None) -> None:
    """Stored payloads of the earlier format (scenarios a list, ...) are converted on read."""
    _portfolio()
    _previous(api, "AAPL")
    set_flags(load("POST__api_analyze_{ticker}").flags)
    fresh = api.post("/api/analyze/AAPL").json()
    row = Analysis.objects.get(pk=fresh["analysis_id"])
    _as_stored_before_the_earlier_shapes(row)
    row = Analysis.objects.prefetch_related("agent_results").get(pk=row.pk)
    analysis = AnalysisResponseSerializer(row).data["analysis"]
    recorded = load("POST__api_analyze_{ticker}").response_body["analysis"]
    # Values the rows of that format never stored: the previous run's time, and snapshot
    # fields added with the earlier names. Null says "unknown"; every other key is there.
    never_stored = ("changes_since_last_run.compared_to_timestamp", "change_summary.compared_to_timestamp")
    never_stored += tuple(
        f"signal_snapshot.{k}" for k in ("sentiment_score", "macro_cycle", "technical_signal")
    )
    problems = shape_differences(recorded, analysis, allow_null=never_stored)
    assert problems == [], problems
    _check_analysis_object(analysis)
    assert analysis["scenario_list"] == fresh["analysis"]["scenario_list"]
    assert analysis["scenarios"] == fresh["analysis"]["scenarios"]
    assert (
        analysis["change_summary"]["material_changes"]
        == fresh["analysis"]["change_summary"]["material_changes"]
    )
    assert (
        analysis["signal_snapshot"]["options_signal"]
        == fresh["analysis"]["signal_snapshot"]["options_signal"]
    )
    assert (
        analysis["portfolio_action_v2"]["fit_score"] == fresh["analysis"]["portfolio_action_v2"]["fit_score"]
    )
    # The page reads the converted row too.
    browser = Client()
    browser.force_login(get_user_model().objects.get(username="integrator"))
    page = browser.get("/analysis/AAPL/")
    assert page.status_code == 200


@STREAM_DB
def test_stream_headers(api: Any) -> None:
    """The recorded stream headers: no caching, no proxy buffering."""
    recorded = load("GET__api_analyze_{ticker}_stream").response_headers
    response = send(api, load("GET__api_analyze_{ticker}_stream_agents_subset"))
    body_of(response)  # run it to the end
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == recorded["cache-control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == recorded["x-accel-buffering"] == "no"
