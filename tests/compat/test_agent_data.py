"""Each agent's `data`, in the analyze response and in a stored analysis, against the recordings.

The analysis object is held to its recordings by test_analyze.py, and the rest of a stored
analysis by test_stored_analyses.py; here only `agent_results.*` and `agents[]` are compared,
plus the keys the earlier dashboard reads that the offline recordings left empty (see
`earlier-system.md`: populated options data, moving averages, the price history).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.clock import market_day
from tests.compat.recordings import load
from tests.compat.replay import replay
from tests.compat.shape import shape_differences

pytestmark = pytest.mark.django_db

AGENTS = ("news", "market", "fundamentals", "technical", "macro", "options", "sentiment")

# The earlier offline run had no prices, so its technical agent answered with an `error`
# string beside empty indicators; ours computes them from the demo market and has no error.
TECHNICAL_ERROR = ("agent_results.technical.data.error",)
# The earlier offline run could not reach fundamentals, so that agent failed outright with an
# error string; ours answers from the demo market, so `error` is null.
FUNDAMENTALS_ERROR = ("agent_results.fundamentals.error",)


def _check_agent_data(agent_results: dict[str, Any]) -> None:
    """The keys the earlier clients read, with values from our own computations."""
    for name, result in agent_results.items():
        assert result["success"] is True, (name, result["error"])
        assert isinstance(result["data"]["data_source"], str), name
        assert isinstance(result["data"]["summary"], str), name
    if "market" in agent_results:
        market = agent_results["market"]["data"]
        assert market["price_history"], "the market agent sends its bars"
        for bar in market["price_history"]:
            assert set(bar) >= {"date", "open", "high", "low", "close", "volume"}
            assert isinstance(bar["volume"], int) and bar["low"] <= bar["close"] <= bar["high"]
        assert market["price_history"][-1]["close"] == market["current_price"]
        assert isinstance(market["price_change_1m"]["change_pct"], float)
        assert market["price_change_1m"]["change_pct"] == market["price_change_1m_pct"]
        assert market["fifty_two_week_high"] >= market["day_high"]
    if "news" in agent_results:
        news = agent_results["news"]["data"]
        assert news["total_count"] == len(news["articles"]) == news["article_count"]
        assert news["key_headlines"] and all(isinstance(h, dict) for h in news["key_headlines"])
        assert [h["title"] for h in news["key_headlines"]] == news["key_headline_titles"]
        assert sum(news["categories"].values()) == news["total_count"]
        assert news["recent_count"] == news["last_24h_count"]
    if "technical" in agent_results:
        technical = agent_results["technical"]["data"]
        bands = technical["indicators"]["bollinger_bands"]
        assert bands["lower_band"] <= bands["middle_band"] <= bands["upper_band"]
        assert bands["interpretation"] in ("overbought", "oversold", "neutral")
        for ma in ("ma_10", "ma_20", "ma_50"):
            assert isinstance(technical["indicators"][ma], float)
        assert "moving_averages" in technical["signals"]["components"]
        assert technical["technical_score"] == (technical["signals"]["strength"] + 100) / 2
        assert isinstance(technical["patterns"], list)
    if "macro" in agent_results:
        macro = agent_results["macro"]["data"]
        assert macro["yield_curve"]["status"] == macro["yield_curve_status"]
        rate = macro["indicators"]["federal_funds_rate"]
        assert set(rate) == {"current", "previous", "change", "trend"} and rate["current"] is not None
    if "options" in agent_results:
        options = agent_results["options"]["data"]
        assert isinstance(options["total_contracts"], int) and options["total_contracts"] > 0
        assert options["overall_signal"] in ("bullish", "bearish", "neutral")
        ivs = [c["implied_volatility"] for c in options["highest_iv_contracts"]]
        assert ivs == sorted(ivs, reverse=True)
    if "sentiment" in agent_results:
        sentiment = agent_results["sentiment"]["data"]
        assert isinstance(sentiment["factors"], dict)
        assert {row["factor"] for row in sentiment["factor_rows"] if row["score"] is not None} == set(
            sentiment["factors"]
        )


def test_post_analyze(api: Any) -> None:
    body = replay(
        api,
        "POST__api_analyze_{ticker}",
        # The analysis object is test_analyze.py's.
        ignore=("analysis", *TECHNICAL_ERROR),
        allow_null=FUNDAMENTALS_ERROR,
    )
    assert list(body["agent_results"]) == list(AGENTS)
    _check_agent_data(body["agent_results"])


def test_post_analyze_agents_subset(api: Any) -> None:
    body = replay(api, "POST__api_analyze_{ticker}_agents_subset", ignore=("analysis", *TECHNICAL_ERROR))
    assert list(body["agent_results"]) == ["technical"]  # no dependency added for technical
    _check_agent_data(body["agent_results"])


def test_post_analyze_agents_normalized(api: Any) -> None:
    body = replay(api, "POST__api_analyze_{ticker}_agents_normalized", ignore=("analysis", *TECHNICAL_ERROR))
    assert list(body["agent_results"]) == ["market", "technical"]
    _check_agent_data(body["agent_results"])


def test_post_analyze_agents_dependency(api: Any) -> None:
    body = replay(api, "POST__api_analyze_{ticker}_agents_dependency", ignore=("analysis",))
    assert list(body["agent_results"]) == ["news", "sentiment"]  # sentiment pulls in news
    _check_agent_data(body["agent_results"])


def test_post_analyze_flags_off(api: Any) -> None:
    body = replay(
        api,
        "POST__api_analyze_{ticker}_flags_off",
        ignore=("analysis", *TECHNICAL_ERROR),
        allow_null=FUNDAMENTALS_ERROR,
    )
    assert list(body["agent_results"]) == list(AGENTS)
    _check_agent_data(body["agent_results"])


# --- stored agents: GET /api/analysis/{ticker}/latest -> agents[] -------------------------

# What the earlier stored rows carry that no source here has, per agent, each with its reason.
STORED_IGNORE = {
    "news": (
        # Alpha Vantage's own per-article scores; our articles carry `sentiment` instead.
        "articles[].av_overall_sentiment_score",
        "articles[].av_overall_sentiment_label",
        "articles[].av_ticker_relevance",
        "articles[].av_ticker_sentiment_score",
        "articles[].av_ticker_sentiment_label",
    ),
    "fundamentals": (
        # SEC EDGAR filings and the LLM-written research report and summary: no such source here.
        "sec_financials",
        "equity_research_report",
        "llm_summary",
        # A whole number only because that filing's EPS was one (-380); an EPS is a float.
        "eps_trend.latest_eps",
    ),
    # The offline technical row's `error` string (see TECHNICAL_ERROR).
    "technical": ("error",),
    "market": (),
    "macro": (),
    "sentiment": (),
    "options": (),
}
STORED_ALLOW_NULL = {
    # No byline and no relevance score are known for our articles.
    "news": ("articles[].author", "articles[].relevance_score", "key_headlines[].relevance_score"),
    "fundamentals": (
        # Not in the fundamentals snapshot: the industry, a meet (told apart from a miss), the
        # quarter-on-quarter history and the revenue level.
        "industry",
        "recent_earnings.meets",
        "eps_trend.previous_eps",
        "eps_trend.qoq_change",
        "eps_trend.qoq_pct",
        "eps_trend.data_points",
        "revenue_trend.latest_revenue",
        "revenue_trend.previous_revenue",
        "revenue_trend.qoq_change",
        "revenue_trend.qoq_pct",
        "revenue_trend.yoy_change",
        "revenue_trend.data_points",
    ),
    # The macro snapshot has the CPI's and GDP's rates of change (under `inflation` and
    # `gdp_growth`), not the index level and the GDP level the earlier system showed.
    "macro": tuple(
        f"indicators.{name}.{key}"
        for name in ("cpi", "real_gdp")
        for key in ("current", "previous", "change", "trend")
    ),
}


def _stored(api: Any, name: str, ticker: str, *, query: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run an analysis through the API, then replay `latest` and compare only its `agents`."""
    # Run that evening when dated, so the analysis is the ticker's current call (`latest`).
    day = (query or {}).get("as_of")
    with market_day(dt.date.fromisoformat(day)) if day else contextlib.nullcontext():
        analyzed = api.post(f"/api/analyze/{ticker}?{urlencode(query or {})}")
    assert analyzed.status_code == 200, analyzed.content[:500]
    recording = load(name)
    # Everything but `agents` is the stored-analysis suite's (test_stored_analyses.py), and each
    # agent's `data` is compared below by agent type: the list comparison holds every item
    # against the first recorded one (news), whose data is not the other agents'.
    others = tuple(key for key in recording.response_body if key != "agents")
    body = replay(api, name, path=f"/api/analysis/{ticker}/latest", ignore=(*others, "agents[].data"))
    recorded = {agent["agent_type"]: agent for agent in recording.response_body["agents"]}
    ours = {agent["agent_type"]: agent for agent in body["agents"]}
    assert set(recorded) <= set(ours)
    problems: list[str] = []
    for agent_type, agent in recorded.items():
        if agent["data"] is None:  # the earlier agent failed; a null says nothing of the shape
            continue
        problems += shape_differences(
            agent["data"],
            ours[agent_type]["data"],
            path=agent_type,
            ignore=tuple(f"{agent_type}.{p}" for p in STORED_IGNORE[agent_type]),
            allow_null=tuple(f"{agent_type}.{p}" for p in STORED_ALLOW_NULL.get(agent_type, ())),
        )
    assert not problems, f"{name}: agent data differs from the recording:\n  " + "\n  ".join(problems)
    _check_agent_data({a["agent_type"]: {**a, "success": bool(a["success"])} for a in body["agents"]})
    return body["agents"]


def test_latest_technical_populated(api: Any) -> None:
    # The recorded BE row has factors for earnings, guidance, stock reactions and strategic news;
    # the demo news of BE in the week to 2026-10-12 has articles for each of them.
    agents = _stored(
        api, "GET__api_analysis_{ticker}_latest_technical_populated", "BE", query={"as_of": "2026-10-12"}
    )
    technical = next(a for a in agents if a["agent_type"] == "technical")["data"]
    assert set(technical["signals"]["components"]) >= {"rsi", "macd", "bollinger_bands"}


def test_latest_offline_full(api: Any) -> None:
    agents = _stored(api, "GET__api_analysis_{ticker}_latest_offline_full", "AAPL")
    assert [a["agent_type"] for a in agents] == list(AGENTS)


@pytest.mark.django_db(transaction=True)
def test_stream_result(api: Any) -> None:
    # The SSE `result` carries the same agent data as the analyze response; the analysis object
    # and the progress events are test_analyze.py's.
    events = replay(
        api,
        "GET__api_analyze_{ticker}_stream",
        ignore=("result.analysis", "result.agent_results.technical.data.error", "progress"),
        allow_null=("result.agent_results.fundamentals.error",),
    )
    result = events[-1][1]
    assert list(result["agent_results"]) == list(AGENTS)
    _check_agent_data(result["agent_results"])
