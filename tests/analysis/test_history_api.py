"""Reading stored analyses back: latest, history, filtered history, tickers, delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from alerts.models import AlertNotification
from analysis.models import AgentResult, Analysis, SentimentFactor
from calibration.models import AnalysisOutcome, ScheduleRun
from tests.clock import market_day
from tests.factories import (
    AgentResultFactory,
    AlertNotificationFactory,
    AnalysisFactory,
    AnalysisOutcomeFactory,
    ScheduleRunFactory,
    SentimentFactorFactory,
)

pytestmark = pytest.mark.django_db

PAST = "2025-06-13"
# The earlier system's history shapes, which clients were built against.
HISTORY_LIST_KEYS = {"ticker", "analyses", "total_count"}
HISTORY_ITEM_KEYS = {
    "id", "ticker", "timestamp", "recommendation", "analysis_schema_version", "score", "ev_score_7d",
    "confidence_calibrated", "data_quality_score", "regime_label", "confidence_score",
    "overall_sentiment_score", "decision_card", "change_summary", "duration_seconds",
}  # fmt: skip
V2_KEYS = (
    "signal_contract_v2",
    "ev_score_7d",
    "confidence_calibrated",
    "data_quality_score",
    "regime_label",
    "rationale_summary",
)


def at(day: str, hour: int = 15) -> dt.datetime:
    # Mid-afternoon UTC, far from midnight, so the UTC date is the date under test.
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["analyses" if "analyses" in body else "items"]]


# --- latest -------------------------------------------------------------------


def test_latest_is_a_404_with_a_clear_detail_before_any_analysis(viewer_api: APIClient) -> None:
    response = viewer_api.get("/api/analysis/aapl/latest")
    assert response.status_code == 404
    assert response.json() == {"detail": "No analysis found for AAPL"}


STORED_KEYS = {
    "id", "ticker", "timestamp", "recommendation", "confidence_score", "overall_sentiment_score",
    "solution_agent_reasoning", "duration_seconds", "score", "decision_card", "change_summary",
    "analysis_payload", "analysis_schema_version", *V2_KEYS, "analysis",
}  # fmt: skip


def test_latest_is_the_stored_analysis_of_what_post_returned(pm_api: APIClient) -> None:
    with market_day(dt.date.fromisoformat(PAST)):
        posted = pm_api.post(f"/api/analyze/AAPL?as_of={PAST}").json()
    response = pm_api.get("/api/analysis/AAPL/latest")
    assert response.status_code == 200
    latest = response.json()
    # The earlier stored shape (id, confidence_score, analysis_payload, agents, sentiment_factors)
    # with the same analysis inside as POST returned.
    assert set(latest) >= STORED_KEYS | {"agents", "sentiment_factors", "as_of", "run_kind", "data_source"}
    assert latest["id"] == posted["analysis_id"]
    assert set(latest["analysis"]) == set(posted["analysis"])
    assert latest["analysis"]["recommendation"] == posted["analysis"]["recommendation"]
    assert latest["analysis"]["score"] == posted["analysis"]["score"]
    assert latest["confidence_score"] == posted["analysis"]["confidence"]
    assert {agent["agent_type"] for agent in latest["agents"]} == set(posted["agent_results"])
    for agent in latest["agents"]:
        assert set(agent) == {
            "id",
            "analysis_id",
            "agent_type",
            "success",
            "data",
            "error",
            "duration_seconds",
        }
        assert agent["analysis_id"] == latest["id"]
        assert agent["data"] == posted["agent_results"][agent["agent_type"]]["data"]
    assert isinstance(latest["score"], float)
    assert all(set(f) >= {"score", "weight", "contribution"} for f in latest["sentiment_factors"].values())


def test_latest_returns_the_newest_of_several(viewer_api: APIClient) -> None:
    AnalysisFactory(ticker="AAPL", timestamp=at("2025-01-02"), recommendation="SELL")
    newest = AnalysisFactory(ticker="AAPL", timestamp=at("2025-03-04"), recommendation="BUY")
    AnalysisFactory(ticker="AAPL", timestamp=at("2025-02-03"), recommendation="HOLD")
    # Another ticker's later analysis must not leak in.
    AnalysisFactory(ticker="MSFT", timestamp=at("2025-04-05"))
    body = viewer_api.get("/api/analysis/AAPL/latest").json()
    assert body["analysis_id"] == newest.pk
    assert body["analysis"]["recommendation"] == "BUY"


def test_latest_serves_a_legacy_row_without_a_payload(viewer_api: APIClient, pm_api: APIClient) -> None:
    # Rows adopted from the earlier system have columns only: no payload, as_of, run_kind or source.
    legacy = AnalysisFactory(ticker="KO", timestamp=at("2024-11-05"), score=41.6, confidence_score=0.62)
    AgentResultFactory(analysis=legacy, agent_type="market", data={"trend": "uptrend"})
    response = viewer_api.get("/api/analysis/ko/latest")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= STORED_KEYS
    assert set(body["analysis"]) >= {
        "recommendation", "score", "confidence", "reasoning", "risks", "opportunities", "price_targets",
        "position_size", "time_horizon", "decision_card", "changes_since_last_run", "change_summary",
        "scenarios", "scenario_summary", "diagnostics", "diagnostics_summary", "portfolio_action",
        "portfolio_action_v2", "portfolio_summary", "signal_snapshot", "analysis_schema_version", "summary",
        *V2_KEYS,
    }  # fmt: skip
    analysis = body["analysis"]
    assert body["id"] == legacy.pk
    assert body["analysis_payload"] == {}
    assert body["analysis_schema_version"] == analysis["analysis_schema_version"] == "v1"
    # The v2 values are null on a v1 row (its rationale, when it has one, is kept).
    assert all(analysis[key] is None for key in V2_KEYS if key != "rationale_summary")
    assert analysis["recommendation"] == "BUY"
    assert analysis["score"] == 42  # the legacy float column, as the integer clients expect
    assert analysis["confidence"] == 0.62
    # Lists stay lists so clients can iterate without a null check.
    assert analysis["risks"] == analysis["opportunities"] == []
    assert body["as_of"] == body["timestamp"]  # legacy rows looked at the market when they ran
    assert body["is_demo_data"] is False
    assert [(a["agent_type"], a["data"]) for a in body["agents"]] == [("market", {"trend": "uptrend"})]


# --- history ------------------------------------------------------------------


def test_history_lists_a_tickers_analyses_newest_first(viewer_api: APIClient) -> None:
    old = AnalysisFactory(ticker="AAPL", timestamp=at("2025-01-02"))
    new = AnalysisFactory(ticker="AAPL", timestamp=at("2025-03-04"))
    middle = AnalysisFactory(ticker="AAPL", timestamp=at("2025-02-03"))
    AnalysisFactory(ticker="MSFT", timestamp=at("2025-02-10"))
    response = viewer_api.get("/api/analysis/aapl/history")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= HISTORY_LIST_KEYS
    assert body["ticker"] == "AAPL"  # normalised from the path
    assert body["total_count"] == 3
    assert ids(body) == [new.pk, middle.pk, old.pk]
    assert all(set(item) >= HISTORY_ITEM_KEYS for item in body["analyses"])
    assert body["analyses"][0]["timestamp"] == new.timestamp.isoformat()


def test_history_is_empty_not_missing_for_an_unanalysed_ticker(viewer_api: APIClient) -> None:
    response = viewer_api.get("/api/analysis/ZZZZ/history")
    assert response.status_code == 200
    assert response.json()["analyses"] == []
    assert response.json()["total_count"] == 0


def test_history_pages_with_limit_and_offset(viewer_api: APIClient) -> None:
    rows = [
        AnalysisFactory(ticker="AAPL", timestamp=at("2025-01-01") + dt.timedelta(days=i)) for i in range(5)
    ]
    newest_first = [row.pk for row in reversed(rows)]
    first = viewer_api.get("/api/analysis/AAPL/history?limit=2").json()
    second = viewer_api.get("/api/analysis/AAPL/history?limit=2&offset=2").json()
    last = viewer_api.get("/api/analysis/AAPL/history?limit=2&offset=4").json()
    beyond = viewer_api.get("/api/analysis/AAPL/history?limit=2&offset=10").json()
    assert ids(first) + ids(second) + ids(last) == newest_first
    # total_count is the page's length (the earlier meaning); total_matching the whole history.
    assert [page["total_count"] for page in (first, second, last, beyond)] == [2, 2, 1, 0]
    assert first["total_matching"] == second["total_matching"] == beyond["total_matching"] == 5
    assert beyond["analyses"] == []
    assert (first["limit"], first["offset"]) == (2, 0)


def test_history_defaults_to_ten_rows_and_allows_a_hundred(viewer_api: APIClient) -> None:
    AnalysisFactory.create_batch(105, ticker="AAPL")
    body = viewer_api.get("/api/analysis/AAPL/history").json()
    assert len(body["analyses"]) == body["total_count"] == 10
    assert body["total_matching"] == 105
    assert len(viewer_api.get("/api/analysis/AAPL/history?limit=100").json()["analyses"]) == 100


def test_history_orders_equal_timestamps_by_newest_id(viewer_api: APIClient) -> None:
    # The (ticker, timestamp) pair is unique, so equal times only happen across tickers; within a
    # ticker the order must still be total, which -id guarantees for stable paging.
    first = AnalysisFactory(ticker="AAPL", timestamp=at("2025-01-02"))
    second = AnalysisFactory(ticker="AAPL", timestamp=at("2025-01-02") + dt.timedelta(microseconds=1))
    assert ids(viewer_api.get("/api/analysis/AAPL/history").json()) == [second.pk, first.pk]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=-1", "limit=501"])
def test_history_checks_its_limit_with_a_400(viewer_api: APIClient, query: str) -> None:
    response = viewer_api.get(f"/api/analysis/AAPL/history?{query}")
    assert response.status_code == 400
    assert response.json() == {"detail": "Limit must be between 1 and 100"}


@pytest.mark.parametrize(
    ("query", "field"), [("limit=x", "limit"), ("offset=-1", "offset"), ("offset=x", "offset")]
)
def test_history_rejects_a_badly_typed_page_with_a_422_naming_the_field(
    viewer_api: APIClient, query: str, field: str
) -> None:
    response = viewer_api.get(f"/api/analysis/AAPL/history?{query}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")
    assert field in response.json()["errors"]


def test_history_rejects_an_absurd_offset_with_a_422(viewer_api: APIClient) -> None:
    AnalysisFactory(ticker="AAPL")
    response = viewer_api.get(f"/api/analysis/AAPL/history?offset={2**63}")
    assert response.status_code == 422


@pytest.mark.parametrize("route", ["latest", "history", "history/detailed"])
@pytest.mark.parametrize("ticker", ["AAPL1", "TOOLONGX", "A%20B", "%D0%90APL"])
def test_a_bad_ticker_in_the_path_is_a_400(viewer_api: APIClient, route: str, ticker: str) -> None:
    response = viewer_api.get(f"/api/analysis/{ticker}/{route}")
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.json()["detail"]


def test_share_class_spellings_share_one_history(pm_api: APIClient) -> None:
    with market_day(dt.date.fromisoformat(PAST)):
        pm_api.post(f"/api/analyze/brk-b?agents=market&as_of={PAST}")
    body = pm_api.get("/api/analysis/BRK.B/history").json()
    assert body["ticker"] == "BRK.B"
    assert body["total_count"] == body["total_matching"] == 1
    assert pm_api.get("/api/analysis/brk-b/latest").json()["ticker"] == "BRK.B"


# --- detailed history: every filter -------------------------------------------


@pytest.fixture
def rows() -> dict[str, Analysis]:
    """Four AAPL analyses whose values put each one on a different side of each filter."""
    return {
        "jan": AnalysisFactory(
            ticker="AAPL",
            timestamp=at("2025-01-10"),
            recommendation="SELL",
            analysis_schema_version="v2",
            ev_score_7d=-2.5,
            confidence_calibrated=0.30,
            data_quality_score=40.0,
            regime_label="risk_off",
        ),
        "feb": AnalysisFactory(
            ticker="AAPL",
            timestamp=at("2025-02-10"),
            recommendation="HOLD",
            analysis_schema_version="v2",
            ev_score_7d=0.1,
            confidence_calibrated=0.55,
            data_quality_score=70.0,
            regime_label="transition",
        ),
        "mar": AnalysisFactory(
            ticker="AAPL",
            timestamp=at("2025-03-10"),
            recommendation="BUY",
            analysis_schema_version="v2",
            ev_score_7d=3.0,
            confidence_calibrated=0.80,
            data_quality_score=95.0,
            regime_label="risk_on",
        ),
        # A v1 row has no v2 values: numeric and regime filters must leave it out, not crash.
        "legacy": AnalysisFactory(ticker="AAPL", timestamp=at("2025-02-20"), recommendation="BUY"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["mar", "legacy", "feb", "jan"]),
        ("start_date=2025-02-10", ["mar", "legacy", "feb"]),  # inclusive of its own day
        ("start_date=2025-02-11", ["mar", "legacy"]),
        ("end_date=2025-02-10", ["feb", "jan"]),  # inclusive of its own day
        ("end_date=2025-02-09", ["jan"]),
        ("start_date=2025-02-01&end_date=2025-02-28", ["legacy", "feb"]),
        ("recommendation=BUY", ["mar", "legacy"]),
        ("recommendation=buy", ["mar", "legacy"]),
        ("recommendation=Hold", ["feb"]),
        ("min_ev=0.1", ["mar", "feb"]),
        ("min_ev=0.2", ["mar"]),
        ("max_ev=0.1", ["feb", "jan"]),
        ("max_ev=-3", []),
        ("min_ev=-1&max_ev=1", ["feb"]),
        ("min_confidence=0.55", ["mar", "feb"]),
        ("min_confidence=0.81", []),
        ("max_confidence=0.55", ["feb", "jan"]),
        ("max_confidence=0.29", []),
        ("min_confidence=0&max_confidence=1", ["mar", "feb", "jan"]),
        ("min_quality=70", ["mar", "feb"]),
        ("min_quality=96", []),
        ("min_quality=0", ["mar", "feb", "jan"]),
        ("regime=risk_on", ["mar"]),
        ("regime=transition", ["feb"]),
        ("regime=risk_off", ["jan"]),
        ("recommendation=buy&regime=risk_on&min_quality=90&start_date=2025-03-01", ["mar"]),
        ("recommendation=sell&min_ev=0", []),
    ],
)
def test_detailed_history_applies_each_filter(
    viewer_api: APIClient, rows: dict[str, Analysis], query: str, expected: list[str]
) -> None:
    response = viewer_api.get(f"/api/analysis/AAPL/history/detailed?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert ids(body) == [rows[name].pk for name in expected]
    assert (body["total_count"], body["has_more"]) == (len(expected), False)


def test_detailed_history_only_reads_the_tickers_own_rows(
    viewer_api: APIClient, rows: dict[str, Analysis]
) -> None:
    AnalysisFactory(ticker="MSFT", timestamp=at("2025-03-10"), recommendation="BUY", regime_label="risk_on")
    body = viewer_api.get("/api/analysis/aapl/history/detailed?regime=risk_on").json()
    assert body["ticker"] == "AAPL"
    assert ids(body) == [rows["mar"].pk]


def test_detailed_history_pages_after_filtering(viewer_api: APIClient, rows: dict[str, Analysis]) -> None:
    body = viewer_api.get("/api/analysis/AAPL/history/detailed?min_quality=0&limit=1&offset=1").json()
    assert ids(body) == [rows["feb"].pk]
    assert (body["total_count"], body["has_more"]) == (3, True)


@pytest.mark.parametrize(
    ("earlier", "ours"),
    [
        ("min_ev_score=0.1", "min_ev=0.1"),
        ("max_ev_score=0.1", "max_ev=0.1"),
        ("min_confidence_calibrated=0.55", "min_confidence=0.55"),
        ("max_confidence_calibrated=0.55", "max_confidence=0.55"),
        ("min_data_quality_score=70", "min_quality=70"),
        ("regime_label=risk_on", "regime=risk_on"),
        ("regime_label=Transition", "regime=transition"),
    ],
)
def test_detailed_history_accepts_the_earlier_filter_names(
    viewer_api: APIClient, rows: dict[str, Analysis], earlier: str, ours: str
) -> None:
    url = "/api/analysis/AAPL/history/detailed?"
    expected = ids(viewer_api.get(url + ours).json())
    assert expected
    assert ids(viewer_api.get(url + earlier).json()) == expected


def test_detailed_history_items_are_stored_analyses_with_their_outcomes(
    viewer_api: APIClient, rows: dict[str, Analysis]
) -> None:
    AnalysisOutcomeFactory(analysis=rows["mar"], horizon_days=1)
    AnalysisOutcomeFactory(analysis=rows["mar"], horizon_days=30)
    body = viewer_api.get("/api/analysis/AAPL/history/detailed?limit=2").json()
    first, second = body["items"]
    assert set(first) >= STORED_KEYS
    assert "agents" not in first
    assert list(first["outcomes"]) == ["1d", "30d"]
    assert first["outcomes"]["1d"]["status"] == "pending"
    assert "outcomes" not in second


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start_date=13/01/2025", "start_date: Date has wrong format"),
        ("end_date=2025-02-30", "end_date: Date has wrong format"),
        ("recommendation=STRONG_BUY", "recommendation must be BUY, HOLD, or SELL"),
        ("regime=bubble", 'regime: "bubble" is not a valid choice'),
        ("start_date=2025-03-01&end_date=2025-02-01", "start_date must not be after end_date"),
        ("min_ev=2&max_ev=1", "min_ev must not be after max_ev"),
        ("min_confidence=0.8&max_confidence=0.2", "min_confidence must not be after max_confidence"),
    ],
)
def test_detailed_history_rejects_bad_filters_with_a_400_and_a_message(
    viewer_api: APIClient, rows: dict[str, Analysis], query: str, message: str
) -> None:
    response = viewer_api.get(f"/api/analysis/AAPL/history/detailed?{query}")
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min_confidence=1.5", "min_confidence: Ensure this value is less than or equal to 1"),
        (
            "min_confidence_calibrated=1.5",
            "min_confidence_calibrated: Ensure this value is less than or equal to 1",
        ),
        ("max_confidence=-0.1", "max_confidence: Ensure this value is greater than or equal to 0"),
        ("min_quality=101", "min_quality: Ensure this value is less than or equal to 100"),
        (
            "min_data_quality_score=-1",
            "min_data_quality_score: Ensure this value is greater than or equal to 0",
        ),
        ("min_ev=high", "min_ev: A valid number is required"),
        ("limit=0", "limit: Ensure this value is greater than or equal to 1"),
        ("limit=201", "limit: Ensure this value is less than or equal to 200"),
    ],
)
def test_detailed_history_rejects_values_outside_declared_bounds_with_a_422(
    viewer_api: APIClient, rows: dict[str, Analysis], query: str, message: str
) -> None:
    response = viewer_api.get(f"/api/analysis/AAPL/history/detailed?{query}")
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_detailed_history_rejects_a_non_finite_ev(
    viewer_api: APIClient, rows: dict[str, Analysis], value: str
) -> None:
    # NaN compares false with everything, so it would silently empty the list: refuse it instead.
    response = viewer_api.get(f"/api/analysis/AAPL/history/detailed?min_ev={value}")
    assert response.status_code == 422
    assert response.json()["detail"] == "min_ev: A valid number is required."


def test_detailed_history_ignores_empty_filters(viewer_api: APIClient, rows: dict[str, Analysis]) -> None:
    # Forms submit every field; an empty one means "no filter", not "match empty".
    body = viewer_api.get(
        "/api/analysis/AAPL/history/detailed?start_date=&recommendation=&min_ev=&regime="
    ).json()
    assert body["total_count"] == 4


# --- tickers ------------------------------------------------------------------


def test_tickers_lists_each_analysed_ticker_once_most_recent_first(viewer_api: APIClient) -> None:
    AnalysisFactory(ticker="MSFT", timestamp=at("2025-01-02"), recommendation="SELL")
    AnalysisFactory(ticker="MSFT", timestamp=at("2025-01-05"), recommendation="HOLD")
    AnalysisFactory(ticker="MSFT", timestamp=at("2025-01-03"), recommendation="BUY")
    AnalysisFactory(ticker="AAPL", timestamp=at("2025-01-04"), recommendation="BUY")
    AnalysisFactory(ticker="BRK.B", timestamp=at("2025-01-01"), recommendation="SELL")
    response = viewer_api.get("/api/analysis/tickers")
    assert response.status_code == 200
    body = response.json()
    assert body["tickers"] == [
        {"ticker": "MSFT", "analysis_count": 3, "latest_recommendation": "HOLD",
         "latest_timestamp": at("2025-01-05").isoformat()},
        {"ticker": "AAPL", "analysis_count": 1, "latest_recommendation": "BUY",
         "latest_timestamp": at("2025-01-04").isoformat()},
        {"ticker": "BRK.B", "analysis_count": 1, "latest_recommendation": "SELL",
         "latest_timestamp": at("2025-01-01").isoformat()},
    ]  # fmt: skip
    assert body["total_count"] == 3


def test_tickers_is_empty_before_any_analysis(viewer_api: APIClient) -> None:
    assert viewer_api.get("/api/analysis/tickers").json() == {"tickers": [], "total_count": 0, "count": 0}


# --- delete -------------------------------------------------------------------


def test_delete_removes_the_analysis_and_everything_recorded_with_it(pm_api: APIClient) -> None:
    doomed = AnalysisFactory(ticker="AAPL")
    kept = AnalysisFactory(ticker="AAPL")
    for analysis in (doomed, kept):
        AgentResultFactory.create_batch(2, analysis=analysis)
        SentimentFactorFactory(analysis=analysis)
        AnalysisOutcomeFactory(analysis=analysis)
        AlertNotificationFactory(analysis=analysis)
    run = ScheduleRunFactory(analysis=doomed)
    response = pm_api.delete(f"/api/analysis/{doomed.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": f"Analysis {doomed.pk} deleted",
        "deleted_id": doomed.pk,
    }
    assert not Analysis.objects.filter(pk=doomed.pk).exists()
    for model in (AgentResult, SentimentFactor, AnalysisOutcome, AlertNotification):
        assert not model.objects.filter(analysis_id=doomed.pk).exists(), model.__name__
        assert model.objects.filter(analysis=kept).exists(), model.__name__
    assert AgentResult.objects.filter(analysis=kept).count() == 2
    # The schedule's run log keeps its row (it happened), just without the analysis.
    run.refresh_from_db()
    assert run.analysis_id is None
    assert ScheduleRun.objects.filter(pk=run.pk).exists()


def test_delete_of_a_real_run_removes_its_agent_results_and_outcomes(pm_api: APIClient) -> None:
    analysis_id = pm_api.post(f"/api/analyze/AAPL?as_of={PAST}").json()["analysis_id"]
    assert AgentResult.objects.filter(analysis_id=analysis_id).count() == 7
    assert AnalysisOutcome.objects.filter(analysis_id=analysis_id).count() == 3
    assert pm_api.delete(f"/api/analysis/{analysis_id}").status_code == 200
    assert not AgentResult.objects.filter(analysis_id=analysis_id).exists()
    assert not AnalysisOutcome.objects.filter(analysis_id=analysis_id).exists()
    assert not SentimentFactor.objects.filter(analysis_id=analysis_id).exists()
    assert pm_api.get("/api/analysis/AAPL/latest").status_code == 404
    assert pm_api.delete(f"/api/analysis/{analysis_id}").status_code == 404


def test_delete_of_an_unknown_id_is_a_404(pm_api: APIClient) -> None:
    response = pm_api.delete("/api/analysis/987654")
    assert response.status_code == 404
    assert response.json() == {"detail": "Analysis 987654 not found"}


@pytest.mark.parametrize("raw", ["abc", "1.5", "-1", "%C2%B2"])
def test_delete_of_a_non_integer_id_is_a_422(pm_api: APIClient, raw: str) -> None:
    response = pm_api.delete(f"/api/analysis/{raw}")
    assert response.status_code == 422
    assert "analysis_id" in response.json()["detail"]


def test_a_viewer_cannot_delete(viewer_api: APIClient) -> None:
    analysis = AnalysisFactory()
    assert viewer_api.delete(f"/api/analysis/{analysis.pk}").status_code == 403
    assert Analysis.objects.filter(pk=analysis.pk).exists()


# --- authentication -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/analysis/AAPL/latest"),
        ("get", "/api/analysis/AAPL/history"),
        ("get", "/api/analysis/AAPL/history/detailed"),
        ("get", "/api/analysis/tickers"),
        ("delete", "/api/analysis/{pk}"),
    ],
)
def test_anonymous_callers_get_a_401(method: str, path: str) -> None:
    analysis = AnalysisFactory(ticker="AAPL")
    response = getattr(APIClient(), method)(path.format(pk=analysis.pk))
    assert response.status_code == 401
    assert "detail" in response.json()
    assert Analysis.objects.filter(pk=analysis.pk).exists()
