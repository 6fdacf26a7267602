"""Stored analyses read back (latest, history, detailed history, tickers, exports, delete), the
JSON index at `/`, `/health` and the unknown-route 404, replayed against the recordings."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import Analysis
from calibration.models import AnalysisOutcome
from tests.clock import market_day
from tests.compat.recordings import load
from tests.compat.replay import replay, send, set_flags
from tests.factories import AnalysisFactory

pytestmark = pytest.mark.django_db

# Business days to research, oldest first: each analysis looks at its own day.
DAYS = [dt.date(2025, 6, 2) + dt.timedelta(days=offset) for offset in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]

# The earlier offline runs had a fundamentals agent that failed (no network), so their
# diagnostics listed it; the demo market here has no failing agent to list.
NO_FAILED_AGENT = (
    "analysis_payload.diagnostics.data_quality.failed_agents",
    "analysis.diagnostics.data_quality.failed_agents",
)


# The earlier rule-based fallback always listed two generic risks; the demo market on these
# days can leave a run with none to name.
NO_RISK_NAMED = ("analysis_payload.risks", "analysis.risks")


# Each agent's `data` is compared by agent type in test_agent_data.py: the list comparison here
# would hold every agent's data against the first recorded agent's (news).
AGENT_DATA = ("agents[].data",)


# A material change's previous/current take the type of what changed: the recording's one change
# was a confidence shift (numbers), these runs also change the call ("BUY" to "HOLD").
CHANGE_VALUES = tuple(
    f"{where}.material_changes[].{side}"
    for where in (
        "change_summary",
        "analysis_payload.changes_since_last_run",
        "analysis_payload.change_summary",
        "analysis.changes_since_last_run",
        "analysis.change_summary",
    )
    for side in ("previous", "current")
)


def items_of(paths: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"items[].{path}" for path in paths)


def analyse(api: APIClient, ticker: str, day: dt.date, *, agents: str | None = None) -> int:
    query = f"?as_of={day.isoformat()}" + (f"&agents={agents}" if agents else "")
    # Run that evening, as the recorded system ran live: each is the current call in turn.
    with market_day(day):
        response = api.post(f"/api/analyze/{ticker}{query}")
    assert response.status_code == 200, response.content
    return response.json()["analysis_id"]


def analyse_days(api: APIClient, name: str, ticker: str, count: int, **kwargs: Any) -> list[int]:
    """`count` analyses of `ticker` under the recording's flags, oldest first."""
    set_flags(load(name).flags)
    return [analyse(api, ticker, day, **kwargs) for day in DAYS[:count]]


def v2_row(ticker: str = "AAPL", **fields: Any) -> Analysis:
    """A stored v2 row as the shipped database held them (no payload beyond the v2 columns)."""
    values = {
        "ticker": ticker,
        "recommendation": "HOLD",
        "analysis_schema_version": "v2",
        "confidence_calibrated": 0.75,
        "data_quality_score": 63.3,
        "regime_label": "transition",
        "rationale_summary": "Mixed signals; hold.",
        **fields,
    }
    return AnalysisFactory(**values)


# --- latest ----------------------------------------------------------------------------------


def test_latest(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_latest"
    first, latest = analyse_days(api, name, "AAPL", 2)
    body = replay(api, name, path="/api/analysis/AAPL/latest", ignore=AGENT_DATA)
    assert body["id"] == latest
    assert body["ticker"] == "AAPL"
    assert body["analysis_schema_version"] == "v2"
    assert [agent["analysis_id"] for agent in body["agents"]] == [latest] * len(body["agents"])
    assert {agent["agent_type"] for agent in body["agents"]} >= {"news", "market", "technical", "sentiment"}
    assert all(
        set(factor) >= {"score", "weight", "contribution"} for factor in body["sentiment_factors"].values()
    )
    assert body["change_summary"]["compared_to_analysis_id"] == first


def test_latest_flags_off(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_latest_flags_off"
    _, latest = analyse_days(api, name, "AAPL", 2)
    body = replay(api, name, path="/api/analysis/AAPL/latest", allow_empty=NO_FAILED_AGENT, ignore=AGENT_DATA)
    assert body["id"] == latest
    assert body["analysis_schema_version"] == "v1"
    assert body["signal_contract_v2"] is None


def test_latest_lowercase_ticker(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_latest_lowercase_ticker"
    _, latest = analyse_days(api, name, "AAPL", 2)
    body = replay(api, name, path="/api/analysis/aapl/latest", ignore=AGENT_DATA)
    assert (body["id"], body["ticker"]) == (latest, "AAPL")


def test_latest_not_found(api: APIClient) -> None:
    body = replay(api, "GET__api_analysis_{ticker}_latest_not_found", path="/api/analysis/ZZZZ/latest")
    assert body == {"detail": "No analysis found for ZZZZ"}


def test_latest_offline_analysis(api: APIClient) -> None:
    # The recording's NVDA analysis ran the market and technical agents only.
    name = "GET__api_analysis_{ticker}_latest_offline_analysis"
    _, latest = analyse_days(api, name, "NVDA", 2, agents="market,technical")
    body = replay(api, name, path="/api/analysis/NVDA/latest", allow_empty=NO_RISK_NAMED, ignore=AGENT_DATA)
    assert body["id"] == latest
    assert sorted(agent["agent_type"] for agent in body["agents"]) == ["market", "technical"]
    assert body["sentiment_factors"] == {}


def test_latest_offline_full(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_latest_offline_full"
    _, latest = analyse_days(api, name, "AAPL", 2)
    body = replay(api, name, path="/api/analysis/AAPL/latest", allow_empty=NO_FAILED_AGENT, ignore=AGENT_DATA)
    assert body["id"] == latest
    assert len(body["agents"]) == 7


def test_latest_technical_populated(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_latest_technical_populated"
    analyse_days(api, name, "BE", 2)
    body = replay(api, name, path="/api/analysis/BE/latest", ignore=AGENT_DATA)
    technical = next(agent for agent in body["agents"] if agent["agent_type"] == "technical")
    assert technical["success"] is True
    assert technical["data"]["indicators"]


# --- history ---------------------------------------------------------------------------------


def test_history(api: APIClient) -> None:
    rows = [v2_row() for _ in range(8)]
    v2_row(ticker="MSFT")
    body = replay(api, "GET__api_analysis_{ticker}_history", path="/api/analysis/AAPL/history")
    # Newest first; the default limit (10) holds all eight; total_count is the list's length.
    assert [item["id"] for item in body["analyses"]] == [row.pk for row in rows]
    assert body["total_count"] == len(body["analyses"]) == 8


def test_history_after_runs(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_history_after_runs"
    ids = analyse_days(api, name, "AAPL", 4)
    body = replay(api, name, path="/api/analysis/AAPL/history")
    assert [item["id"] for item in body["analyses"]] == ids[:0:-1]
    assert body["total_count"] == 3


def test_history_limit_2(api: APIClient) -> None:
    for _ in range(4):
        v2_row()
    body = replay(api, "GET__api_analysis_{ticker}_history_limit_2", path="/api/analysis/AAPL/history")
    assert body["total_count"] == len(body["analyses"]) == 2


def test_history_unknown_ticker(api: APIClient) -> None:
    v2_row()
    body = replay(api, "GET__api_analysis_{ticker}_history_unknown_ticker", path="/api/analysis/ZZZZ/history")
    assert body == {
        "ticker": "ZZZZ",
        "analyses": [],
        "total_count": 0,
        "total_matching": 0,
        "limit": 10,
        "offset": 0,
    }


def test_history_bad_limit(api: APIClient) -> None:
    body = replay(api, "GET__api_analysis_{ticker}_history_bad_limit", path="/api/analysis/AAPL/history")
    assert body == {"detail": "Limit must be between 1 and 100"}
    assert api.get("/api/analysis/AAPL/history", {"limit": 101}).status_code == 400
    # A limit that is not an integer fails the declared type: 422.
    assert api.get("/api/analysis/AAPL/history", {"limit": "x"}).status_code == 422


# --- detailed history ------------------------------------------------------------------------


def test_history_detailed(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_history_detailed"
    ids = analyse_days(api, name, "AAPL", 8)
    body = replay(api, name, path="/api/analysis/AAPL/history/detailed")
    assert [item["id"] for item in body["items"]] == ids[::-1]
    assert (body["total_count"], body["has_more"]) == (8, False)
    # Outcome rows of a fresh run are pending; the items carry them.
    assert body["items"][0]["outcomes"]["7d"]["status"] == "pending"


def test_history_detailed_after_runs(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_history_detailed_after_runs"
    ids = analyse_days(api, name, "AAPL", 5)
    # The recording's start_date kept the runs of its own day (four of them); here, four days.
    query = {"limit": 3, "start_date": DAYS[1].isoformat()}
    body = replay(
        api,
        name,
        path="/api/analysis/AAPL/history/detailed",
        query=query,
        allow_empty=items_of(NO_FAILED_AGENT + NO_RISK_NAMED),
    )
    assert [item["id"] for item in body["items"]] == ids[:1:-1]
    assert (body["total_count"], body["has_more"]) == (4, True)


def test_history_detailed_filter_min_ev(api: APIClient) -> None:
    # As in the shipped database, stored rows without an EV: a filter on EV leaves them out.
    v2_row(ev_score_7d=None)
    v2_row(ev_score_7d=None)
    v2_row(ev_score_7d=-1.5)
    body = replay(
        api,
        "GET__api_analysis_{ticker}_history_detailed_filter_min_ev",
        path="/api/analysis/AAPL/history/detailed",
    )
    assert (body["items"], body["total_count"], body["has_more"]) == ([], 0, False)
    assert api.get("/api/analysis/AAPL/history/detailed", {"max_ev_score": 0}).json()["total_count"] == 1


def test_history_detailed_filters_pagination(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_history_detailed_filters_pagination"
    ids = analyse_days(api, name, "AAPL", 9)
    # Calls as in the recording: HOLD but for one SELL inside the window.
    Analysis.objects.filter(pk__in=ids).update(recommendation="HOLD")
    Analysis.objects.filter(pk=ids[4]).update(recommendation="SELL")
    query = {
        "limit": 2,
        "offset": 1,
        "recommendation": "HOLD",
        "start_date": DAYS[1].isoformat(),
        "end_date": DAYS[7].isoformat(),
    }
    body = replay(api, name, path="/api/analysis/AAPL/history/detailed", query=query)
    # Days 1..7 hold seven analyses, six of them HOLD; the page skips the newest.
    assert [item["id"] for item in body["items"]] == [ids[6], ids[5]]
    assert (body["total_count"], body["has_more"]) == (6, True)


def test_history_detailed_filters_v2(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_history_detailed_filters_v2"
    ids = analyse_days(api, name, "AAPL", 4)
    Analysis.objects.filter(pk__in=ids).update(
        regime_label="transition", confidence_calibrated=0.75, data_quality_score=63.3
    )
    Analysis.objects.filter(pk=ids[0]).update(regime_label="risk_off")
    Analysis.objects.filter(pk=ids[1]).update(data_quality_score=40.0)
    Analysis.objects.filter(pk=ids[3]).update(confidence_calibrated=0.55)
    body = replay(api, name, path="/api/analysis/AAPL/history/detailed")
    assert [item["id"] for item in body["items"]] == [ids[3], ids[2]]
    assert (body["total_count"], body["has_more"]) == (2, False)
    # Our names for the same filters give the same rows.
    ours = {"min_quality": 60, "regime": "transition", "min_confidence": 0.5, "max_confidence": 0.9}
    assert api.get("/api/analysis/AAPL/history/detailed", ours).json()["total_count"] == 2


def test_history_detailed_flags_off(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_history_detailed_flags_off"
    ids = analyse_days(api, name, "AAPL", 3)
    body = replay(
        api,
        name,
        path="/api/analysis/AAPL/history/detailed",
        allow_empty=items_of(NO_FAILED_AGENT),
        ignore=items_of(CHANGE_VALUES),
    )
    assert [item["id"] for item in body["items"]] == ids[:0:-1]
    assert (body["total_count"], body["has_more"]) == (3, True)
    assert {item["analysis_schema_version"] for item in body["items"]} == {"v1"}


def test_history_detailed_with_outcomes(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_history_detailed_with_outcomes"
    ids = analyse_days(api, name, "AAPL", 3)
    # The recording's 1-day outcome had been scored (its values seeded); score this one.
    AnalysisOutcome.objects.filter(analysis_id=ids[1], horizon_days=1).update(
        status="complete",
        realized_price=101.0,
        realized_return_pct=0.5,
        realized_return_net_pct=0.35,
        direction_correct=True,
        outcome_up=True,
        brier_component=0.25,
        max_drawdown_pct=0.8,
        utility_score=-0.05,
        evaluated_at=timezone.now(),
    )
    query = {"end_date": DAYS[1].isoformat(), "limit": 1}
    body = replay(api, name, path="/api/analysis/AAPL/history/detailed", query=query)
    item = body["items"][0]
    assert item["id"] == ids[1]
    assert (body["total_count"], body["has_more"]) == (2, True)
    assert list(item["outcomes"]) == ["1d", "7d", "30d"]
    assert item["outcomes"]["1d"]["status"] == "complete"
    assert item["outcomes"]["7d"]["status"] == "pending"


def test_history_detailed_bad_recommendation(api: APIClient) -> None:
    body = replay(
        api,
        "GET__api_analysis_{ticker}_history_detailed_bad_recommendation",
        path="/api/analysis/AAPL/history/detailed",
    )
    assert body == {"detail": "recommendation must be BUY, HOLD, or SELL"}


def test_history_detailed_confidence_out_of_range(api: APIClient) -> None:
    body = replay(
        api,
        "GET__api_analysis_{ticker}_history_detailed_confidence_out_of_range",
        path="/api/analysis/AAPL/history/detailed",
    )
    assert "min_confidence_calibrated" in body["detail"]
    assert api.get("/api/analysis/AAPL/history/detailed", {"max_confidence": -0.1}).status_code == 422


def test_history_detailed_limit_too_large(api: APIClient) -> None:
    body = replay(
        api,
        "GET__api_analysis_{ticker}_history_detailed_limit_too_large",
        path="/api/analysis/AAPL/history/detailed",
    )
    assert "limit" in body["detail"]
    assert api.get("/api/analysis/AAPL/history/detailed", {"limit": 200}).status_code == 200


# --- delete ----------------------------------------------------------------------------------


def test_delete_analysis(api: APIClient) -> None:
    doomed = v2_row()
    body = replay(api, "DELETE__api_analysis_{analysis_id}", path=f"/api/analysis/{doomed.pk}")
    assert (body["success"], body["message"]) == (True, f"Analysis {doomed.pk} deleted")
    assert not Analysis.objects.filter(pk=doomed.pk).exists()


def test_delete_analysis_already_deleted(api: APIClient) -> None:
    doomed = v2_row()
    assert api.delete(f"/api/analysis/{doomed.pk}").status_code == 200
    body = replay(
        api, "DELETE__api_analysis_{analysis_id}_already_deleted", path=f"/api/analysis/{doomed.pk}"
    )
    assert body == {"detail": f"Analysis {doomed.pk} not found"}


def test_delete_analysis_non_integer_id(api: APIClient) -> None:
    body = replay(api, "DELETE__api_analysis_{analysis_id}_non_integer_id", path="/api/analysis/abc")
    assert "analysis_id" in body["detail"]


# --- tickers ---------------------------------------------------------------------------------


def test_tickers(api: APIClient) -> None:
    now = timezone.now()
    for hours, ticker, call in [
        (9, "NVDA", "HOLD"),
        (7, "AAPL", "SELL"),
        (5, "AAPL", "HOLD"),
        (3, "CRWV", "SELL"),
    ]:
        v2_row(ticker=ticker, recommendation=call, timestamp=now - dt.timedelta(hours=hours))
    body = replay(api, "GET__api_analysis_tickers")
    assert [(t["ticker"], t["analysis_count"], t["latest_recommendation"]) for t in body["tickers"]] == [
        ("CRWV", 1, "SELL"),
        ("AAPL", 2, "HOLD"),
        ("NVDA", 1, "HOLD"),
    ]
    assert body["total_count"] == 3


def test_tickers_after_runs(api: APIClient) -> None:
    name = "GET__api_analysis_tickers_after_runs"
    # Analysed a month before the runs below (which run on their own market days).
    v2_row(ticker="CRWV", timestamp=timezone.make_aware(dt.datetime(2025, 5, 2, 20, 0), dt.UTC))
    analyse_days(api, name, "NVDA", 1)
    analyse_days(api, name, "AAPL", 2)
    body = replay(api, name)
    assert [t["ticker"] for t in body["tickers"]] == ["AAPL", "NVDA", "CRWV"]
    assert body["tickers"][0]["analysis_count"] == 2
    assert body["total_count"] == 3


# --- exports ---------------------------------------------------------------------------------


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def recorded_csv(name: str) -> list[list[str]]:
    return csv_rows(load(name).response_body)


def assert_csv_layout(name: str, text: str, *, sentiment: bool) -> None:
    """Section,Field,Value; the ten Summary fields in order; the agent table; the factors table."""
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    ours, theirs = csv_rows(text), recorded_csv(name)
    assert ours[0] == theirs[0] == ["Section", "Field", "Value"]
    assert [row[:2] for row in ours[1:11]] == [row[:2] for row in theirs[1:11]]
    assert ours[11] == [] and ours[12] == ["Agent", "Success", "Duration (s)", "Data Source", "Error"]
    assert ("Sentiment Factor" in [row[0] for row in ours if row]) is sentiment


def export_headers(api: APIClient, name: str, path: str, query: dict[str, Any] | None = None) -> str:
    return send(api, load(name), path=path, query=query)["Content-Disposition"]


def test_export_csv(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_export_csv"
    ids = analyse_days(api, name, "AAPL", 2)
    text = replay(api, name, path="/api/analysis/AAPL/export/csv")
    assert_csv_layout(name, text, sentiment=True)
    rows = csv_rows(text)
    assert rows[1] == ["Summary", "Ticker", "AAPL"]
    assert [row[1] for row in rows[13:20]] == ["1"] * 7
    stamp = Analysis.objects.get(pk=ids[-1]).timestamp
    assert export_headers(api, name, "/api/analysis/AAPL/export/csv") == (
        f'attachment; filename="AAPL_analysis_{stamp:%Y-%m-%d}.csv"'
    )


def test_export_csv_analysis_id(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_export_csv_analysis_id"
    older, _ = analyse_days(api, name, "AAPL", 2)
    Analysis.objects.filter(pk=older).update(timestamp=dt.datetime(2026, 2, 7, 5, 24, tzinfo=dt.UTC))
    path = "/api/analysis/AAPL/export/csv"
    text = replay(api, name, path=path, query={"analysis_id": older})
    assert_csv_layout(name, text, sentiment=True)
    assert csv_rows(text)[2] == ["Summary", "Timestamp", "2026-02-07T05:24:00+00:00"]
    assert (
        export_headers(api, name, path, {"analysis_id": older})
        == 'attachment; filename="AAPL_analysis_2026-02-07.csv"'
    )
    # An id that is not an integer fails the declared type.
    assert api.get(path, {"analysis_id": "abc"}).status_code == 422


def test_export_csv_deleted_id(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_export_csv_deleted_id"
    doomed, _ = analyse_days(api, name, "NVDA", 2, agents="market,technical")
    assert api.delete(f"/api/analysis/{doomed}").status_code == 200
    body = replay(api, name, path="/api/analysis/NVDA/export/csv", query={"analysis_id": doomed})
    assert body == {"detail": f"Analysis {doomed} not found"}


def test_export_csv_missing_id(api: APIClient) -> None:
    v2_row()
    body = replay(
        api, "GET__api_analysis_{ticker}_export_csv_missing_id", path="/api/analysis/AAPL/export/csv"
    )
    assert body == {"detail": "Analysis 99999 not found"}


def test_export_csv_no_analysis(api: APIClient) -> None:
    body = replay(
        api, "GET__api_analysis_{ticker}_export_csv_no_analysis", path="/api/analysis/ZZZZ/export/csv"
    )
    assert body == {"detail": "No analysis found for ZZZZ"}


def test_export_csv_offline_analysis(api: APIClient) -> None:
    # The recording's offline run had no sentiment factors; a run without the sentiment agent neither.
    name = "GET__api_analysis_{ticker}_export_csv_offline_analysis"
    analyse_days(api, name, "AAPL", 2, agents="market,fundamentals,technical,macro,options")
    text = replay(api, name, path="/api/analysis/AAPL/export/csv")
    assert_csv_layout(name, text, sentiment=False)
    rows = csv_rows(text)
    summary = {row[1]: row[2] for row in rows[1:11]}
    assert summary["Decision Card"].startswith("{") and summary["Change Summary"].startswith("{")
    assert [row[0] for row in rows[13:]] == ["market", "fundamentals", "technical", "macro", "options"]


def test_export_csv_wrong_ticker(api: APIClient) -> None:
    other = v2_row(ticker="BE")
    v2_row(ticker="AAPL")
    body = replay(
        api,
        "GET__api_analysis_{ticker}_export_csv_wrong_ticker",
        path="/api/analysis/AAPL/export/csv",
        query={"analysis_id": other.pk},
    )
    assert body == {"detail": f"Analysis {other.pk} does not belong to AAPL"}


def test_export_csv_neutralises_spreadsheet_formulas(api: APIClient) -> None:
    v2_row(rationale_summary='=HYPERLINK("http://evil")')
    rows = csv_rows(api.get("/api/analysis/AAPL/export/csv").content.decode())
    assert rows[8] == ["Summary", "Reasoning", '\'=HYPERLINK("http://evil")']


def test_export_pdf(api: APIClient) -> None:
    name = "GET__api_analysis_{ticker}_export_pdf"
    _, latest = analyse_days(api, name, "AAPL", 2)
    text = replay(api, name, path="/api/analysis/AAPL/export/pdf")
    assert text.startswith("%PDF-")
    stamp = Analysis.objects.get(pk=latest).timestamp
    assert export_headers(api, name, "/api/analysis/AAPL/export/pdf") == (
        f'attachment; filename="AAPL_analysis_{stamp:%Y-%m-%d}.pdf"'
    )


def test_export_pdf_no_analysis(api: APIClient) -> None:
    body = replay(
        api, "GET__api_analysis_{ticker}_export_pdf_no_analysis", path="/api/analysis/ZZZZ/export/pdf"
    )
    assert body == {"detail": "No analysis found for ZZZZ"}


def test_the_history_table_csv_has_its_own_route(api: APIClient) -> None:
    v2_row(recommendation="BUY")
    v2_row(recommendation="SELL")
    response = api.get("/api/analysis/AAPL/history/export/csv", {"recommendation": "buy"})
    assert response.status_code == 200
    assert 'filename="AAPL_history_' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["recommendation"] for row in rows] == ["BUY"]


# --- the root, /health, an unknown route -----------------------------------------------------


def test_root(api: APIClient) -> None:
    body = replay(api, "GET__", headers={"Accept": "application/json"})
    assert set(body["endpoints"]) >= set(load("GET__").response_body["endpoints"])
    assert body["endpoints"]["history_export_csv"] == "GET /api/analysis/{ticker}/history/export/csv"


def test_root_is_the_dashboard_for_browsers_and_refused_to_anonymous_callers(
    api: APIClient, make_user: Any
) -> None:
    anonymous = Client()
    assert anonymous.get("/", HTTP_ACCEPT="application/json").status_code == 401
    assert anonymous.get("/", HTTP_ACCEPT="text/html,*/*;q=0.8")["Location"] == "/accounts/login/?next=/"
    browser = Client()
    browser.force_login(make_user())
    page = browser.get("/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    # A signed-in session asking for JSON gets the index too.
    assert browser.get("/", HTTP_ACCEPT="application/json").json()["endpoints"]["health"] == "GET /health"


def test_health(api: APIClient) -> None:
    body = replay(api, "GET__health")
    assert body["status"] in ("healthy", "degraded")
    assert body["database_connected"] is True


def test_health_is_200_while_degraded_and_503_only_without_a_database(monkeypatch: Any) -> None:
    monkeypatch.setattr("pmresearch.health.configuration_problems", lambda: ["LLM key missing"])
    degraded = Client().get("/health")
    assert (degraded.status_code, degraded.json()["status"], degraded.json()["config_valid"]) == (
        200,
        "degraded",
        False,
    )

    monkeypatch.setattr("pmresearch.health.database_connected", lambda: False)
    down = Client().get("/health")
    assert (down.status_code, down.json()["database_connected"]) == (503, False)


def test_unknown_api_path(api: APIClient) -> None:
    body = replay(api, "GET__api_no-such-route_unknown_path")
    assert isinstance(body["detail"], str)
