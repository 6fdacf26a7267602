"""POST /api/watchlists/{id}/analyze, end to end through uvicorn (ASGI), with a knox token."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import httpx
import pytest
from knox.models import AuthToken

from accounts.roles import Role
from analysis.models import Analysis
from analysis.services import parse_as_of
from calibration.models import AnalysisOutcome
from rollout.models import FeatureFlag
from tests.factories import WatchlistFactory, WatchlistTickerFactory
from watchlists.models import Watchlist
from watchlists.ranking import OPPORTUNITY_FIELDS, rank_opportunities

pytestmark = pytest.mark.django_db(transaction=True)

FIVE = ("AAPL", "MSFT", "NVDA", "JPM", "XOM")


def _events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    events, name = [], None
    for line in response.iter_lines():
        assert not line.startswith("id:"), "the earlier framing has no event ids"
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def _headers(make_user: Any, role: Role, username: str) -> dict[str, str]:
    token = AuthToken.objects.create(user=make_user(role, username=username))[1]
    return {"Authorization": f"Token {token}", "Accept": "text/event-stream"}


def _watchlist(tickers: tuple[str, ...], name: str = "Large caps") -> Watchlist:
    watchlist = WatchlistFactory(name=name)
    for ticker in tickers:
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    return watchlist


def _flag(name: str, on: bool) -> None:
    FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})


def _run(server_url: str, watchlist: Watchlist, headers: dict[str, str], query: str = "") -> httpx.Response:
    with httpx.stream(
        "POST", f"{server_url}/api/watchlists/{watchlist.pk}/analyze{query}", headers=headers, timeout=120
    ) as response:
        response.read()
        return response


def test_five_tickers_stream_five_results_then_done(server_url: str, make_user: Any) -> None:
    watchlist = _watchlist(FIVE)
    headers = _headers(make_user, Role.PM, "wl-streamer")
    with httpx.stream(
        "POST",
        f"{server_url}/api/watchlists/{watchlist.pk}/analyze?as_of=2025-06-13",
        headers=headers,
        timeout=120,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        events = _events(response)
    names = [name for name, _ in events]
    assert names == ["result"] * 5 + ["done"]
    results = [data for name, data in events if name == "result"]
    assert sorted(r["ticker"] for r in results) == sorted(FIVE)
    for result in results:
        # The earlier per-ticker item beside the canonical analysis shape (POST /api/analyze/{ticker}).
        assert {
            "success",
            "ticker",
            "analysis_id",
            "analysis",
            "agent_results",
            "analysis_schema_version",
            "recommendation",
            "score",
            "confidence",
            "duration_seconds",
            "error",
        } <= set(result)
        assert result["recommendation"] == result["analysis"]["recommendation"]
        assert Analysis.objects.get(pk=result["analysis_id"]).run_kind == "watchlist"
    # The whole run looks at the market as of one moment.
    assert {dt.datetime.fromisoformat(r["as_of"]) for r in results} == {parse_as_of("2025-06-13")}
    done = events[-1][1]
    assert done["watchlist_id"] == watchlist.pk
    assert (done["total"], done["succeeded"], done["failed"]) == (5, 5, 0)
    assert done["concurrency"] == 4
    assert done["duration_seconds"] > 0
    assert (done["message"], done["ticker_count"], done["completed"]) == ("All analyses complete", 5, 5)
    assert done["opportunities"] == []  # WATCHLIST_RANKING_ENABLED is off
    assert Analysis.objects.filter(run_kind="watchlist").count() == 5


def test_with_ranking_enabled_done_carries_the_ranked_opportunities(server_url: str, make_user: Any) -> None:
    _flag("WATCHLIST_RANKING_ENABLED", True)
    _flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    watchlist = _watchlist(FIVE)
    # A live run (no as_of): only current runs are the opportunities the endpoint ranks afterwards.
    response = _run(server_url, watchlist, _headers(make_user, Role.PM, "wl-ranker"))
    assert response.status_code == 200
    events = _events(response)
    assert [name for name, _ in events] == ["result"] * 5 + ["done"]
    opportunities = events[-1][1]["opportunities"]
    assert [o["rank"] for o in opportunities] == [1, 2, 3, 4, 5]
    assert all(tuple(o) == OPPORTUNITY_FIELDS for o in opportunities)
    assert {o["analysis_id"] for o in opportunities} == {data["analysis_id"] for _, data in events[:-1]}
    assert all(o["ev_score_7d"] is not None for o in opportunities)
    # Ranked: EV, then calibrated confidence, then data quality, then ticker.
    assert opportunities == rank_opportunities(opportunities, limit=None)
    evs = [o["ev_score_7d"] for o in opportunities]
    assert evs == sorted(evs, reverse=True)
    # The same rows the opportunities endpoint ranks afterwards, without running anything.
    count = Analysis.objects.count()
    listed = httpx.get(
        f"{server_url}/api/watchlists/{watchlist.pk}/opportunities",
        headers={"Authorization": _headers(make_user, Role.VIEWER, "wl-reader")["Authorization"]},
        timeout=30,
    ).json()
    assert [o["analysis_id"] for o in listed["opportunities"]] == [o["analysis_id"] for o in opportunities]
    assert Analysis.objects.count() == count


def test_an_agents_subset_is_honoured(server_url: str, make_user: Any) -> None:
    watchlist = _watchlist(("AAPL", "MSFT"))
    response = _run(
        server_url, watchlist, _headers(make_user, Role.PM, "wl-subset"), "?agents=technical&as_of=2025-06-13"
    )
    events = _events(response)
    assert [name for name, _ in events] == ["result", "result", "done"]
    for _, result in events[:-1]:
        assert "technical" in result["agent_results"]
        assert "news" not in result["agent_results"]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("?agents=tarot", "Invalid agent names: tarot"),
        ("?as_of=yesterday", "as_of must be a date as YYYY-MM-DD"),
        ("?as_of=2999-01-01", "as_of cannot be in the future."),
    ],
)
def test_bad_input_is_a_json_400_before_any_stream(
    server_url: str, make_user: Any, query: str, fragment: str
) -> None:
    watchlist = _watchlist(("AAPL",))
    response = _run(server_url, watchlist, _headers(make_user, Role.PM, "wl-bad"), query)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert fragment in response.json()["detail"]
    assert not Analysis.objects.exists()


def test_an_empty_watchlist_is_a_json_400(server_url: str, make_user: Any) -> None:
    watchlist = _watchlist((), name="Nothing yet")
    response = _run(server_url, watchlist, _headers(make_user, Role.PM, "wl-empty"))
    assert response.status_code == 400
    assert response.json() == {"detail": "Watchlist has no tickers"}


def test_a_viewer_cannot_start_a_run(server_url: str, make_user: Any) -> None:
    watchlist = _watchlist(("AAPL",))
    response = _run(server_url, watchlist, _headers(make_user, Role.VIEWER, "wl-viewer"))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/json")
    assert "detail" in response.json()
    assert not Analysis.objects.exists()


def test_a_client_that_leaves_stops_new_work_and_leaves_nothing_half_written(
    server_url: str, make_user: Any
) -> None:
    tickers = ("AAPL", "MSFT", "NVDA", "JPM", "XOM", "JNJ", "KO", "PEP", "WMT", "CVX", "PFE", "T")
    watchlist = _watchlist(tickers)
    headers = _headers(make_user, Role.PM, "wl-leaver")
    with httpx.stream(
        "POST", f"{server_url}/api/watchlists/{watchlist.pk}/analyze", headers=headers, timeout=120
    ) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("event: "):
                break  # one event, then hang up
    # Let the analyses that were running finish and commit.
    previous, stable_since = -1, time.monotonic()
    while time.monotonic() - stable_since < 3.0:
        count = Analysis.objects.count()
        if count != previous:
            previous, stable_since = count, time.monotonic()
        time.sleep(0.2)
    assert 1 <= previous < len(tickers)
    for analysis in Analysis.objects.all():
        assert analysis.agent_results.exists()
        assert AnalysisOutcome.objects.filter(analysis=analysis).count() == 3
