"""The WATCHLIST_CONCURRENCY bound of POST /api/watchlists/{id}/analyze, measured through uvicorn.

The server runs `tests.watchlists.asgi_probe`: the production application whose watchlist
`run_analysis` logs when each real analysis starts and ends (and holds its slot a little after,
so analyses running at once visibly overlap). The most intervals open at one instant must equal
the bound: never above it, and reached, so a bound that is ignored or never filled both fail.
A call's end is logged before its slot is released and the next call's start after a slot is
acquired, so a bound that holds can never measure above itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection
from knox.models import AuthToken

from accounts.roles import Role
from analysis.models import Analysis
from tests.factories import WatchlistFactory, WatchlistTickerFactory
from tests.live_server import uvicorn_server

pytestmark = pytest.mark.django_db(transaction=True)

PROBE_APP = "tests.watchlists.asgi_probe:application"
# Long next to the start-up skew of a wave (milliseconds), short enough for a fast test.
HOLD_SECONDS = 0.25
TICKERS = ("AAPL", "MSFT", "NVDA", "JPM", "XOM", "JNJ", "KO", "PEP", "WMT", "CVX")


@dataclass(frozen=True)
class ProbedServer:
    url: str
    log: Path
    bound: int


@dataclass(frozen=True)
class Call:
    ticker: str
    start: float
    end: float
    analysis_id: int | None


def max_overlap(intervals: Sequence[tuple[float, float]]) -> int:
    """The most intervals open at one instant; one ending exactly when another starts is not open
    with it (at equal times, ends sort before starts)."""
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    open_now = peak = 0
    for _, step in edges:
        open_now += step
        peak = max(peak, open_now)
    return peak


@pytest.fixture(
    scope="module",
    params=[
        pytest.param((None, {}), id="default-bound-4"),
        pytest.param((2, {}), id="env-bound-2"),
        # The engines in the server's own threads instead of worker processes: the same bound.
        pytest.param((None, {"WATCHLIST_ENGINE_PROCESSES": "0"}), id="threads-bound-4"),
    ],
)
def probed_server(
    request: pytest.FixtureRequest,
    django_db_setup: Any,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ProbedServer]:
    """One uvicorn per configuration: WATCHLIST_CONCURRENCY unset (the default, 4) or set to 2."""
    configured: int | None = request.param[0]
    log = tmp_path_factory.mktemp("probe") / "analyses.jsonl"
    env = {
        "MARKET_DATA_PROVIDER": "demo",
        "PMRESEARCH_TEST_PROBE_LOG": str(log),
        "PMRESEARCH_TEST_PROBE_HOLD_SECONDS": str(HOLD_SECONDS),
    }
    if configured is not None:
        env["WATCHLIST_CONCURRENCY"] = str(configured)
    env.update(request.param[1])
    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as patch:
            # The default case must not inherit a value from the shell running the tests.
            patch.delenv("WATCHLIST_CONCURRENCY", raising=False)
            url = stack.enter_context(uvicorn_server(settings_dict, extra_env=env, app=PROBE_APP))
        yield ProbedServer(url=url, log=log, bound=configured or 4)


def _events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    events, name = [], None
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def _calls(log: Path) -> list[Call]:
    starts: dict[str, float] = {}
    calls = []
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["event"] == "start":
            assert record["ticker"] not in starts, f"{record['ticker']} started twice"
            starts[record["ticker"]] = record["at"]
        else:
            start = starts[record["ticker"]]
            calls.append(Call(record["ticker"], start, record["at"], record["analysis_id"]))
    assert len(calls) == len(starts), "an analysis started and never ended"
    return calls


def test_it_counts_the_most_intervals_open_at_once() -> None:
    assert max_overlap([]) == 0
    assert max_overlap([(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]) == 1  # back to back: one slot
    assert max_overlap([(0.0, 3.0), (1.0, 2.0), (1.5, 4.0), (3.5, 5.0)]) == 3
    assert max_overlap([(0.0, 1.0)] * 4) == 4


def test_it_runs_as_many_analyses_at_once_as_the_bound_and_never_more(
    probed_server: ProbedServer, make_user: Any
) -> None:
    watchlist = WatchlistFactory(name="Bound")
    for ticker in TICKERS:
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    token = AuthToken.objects.create(user=make_user(Role.PM, username="wl-bound"))[1]
    probed_server.log.write_text("", encoding="utf-8")  # this run's calls only
    with httpx.stream(
        "POST",
        f"{probed_server.url}/api/watchlists/{watchlist.pk}/analyze?as_of=2025-06-13",
        headers={"Authorization": f"Token {token}", "Accept": "text/event-stream"},
        timeout=60,
    ) as response:
        assert response.status_code == 200
        events = _events(response)

    assert [name for name, _ in events] == ["result"] * len(TICKERS) + ["done"]
    results = [data for name, data in events if name == "result"]
    assert sorted(r["ticker"] for r in results) == sorted(TICKERS)
    done = events[-1][1]
    assert (done["total"], done["succeeded"], done["failed"]) == (len(TICKERS), len(TICKERS), 0)
    assert done["concurrency"] == probed_server.bound

    calls = _calls(probed_server.log)
    # Every result went through the probe, i.e. the real run_analysis the API calls was measured.
    assert sorted(c.ticker for c in calls) == sorted(TICKERS)
    assert {c.analysis_id for c in calls} == {r["analysis_id"] for r in results}
    assert Analysis.objects.filter(run_kind="watchlist").count() == len(TICKERS)
    assert max_overlap([(c.start, c.end) for c in calls]) == probed_server.bound
