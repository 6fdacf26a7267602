"""/api/watchlists: CRUD, tickers, the analyze stream and the opportunities, against the recordings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone

from analysis.models import Analysis
from orchestration import analysis as analysis_service
from pmresearch.errors import INTERNAL_ERROR_DETAIL
from tests.compat.recordings import load
from tests.compat.replay import replay, set_flags
from tests.factories import WatchlistFactory, WatchlistTickerFactory
from watchlists import services
from watchlists.models import Watchlist

pytestmark = pytest.mark.django_db

FLAGS_ON = load("POST__api_watchlists").flags
FLAGS_OFF = load("POST__api_watchlists_flags_off").flags

# The earlier offline run could not reach fundamentals and its analyses stored agent data that
# is free-form per agent; the stored analysis's nested blocks (decision card, payload, contract)
# are compared by the stored-analysis suite. Here: the watchlist envelope and the row keys.
LATEST_NESTED = tuple(
    f"analyses[].latest_analysis.{key}"
    for key in ("analysis_payload", "analysis", "signal_contract_v2", "decision_card", "change_summary")
)


def _watchlist(name: str, tickers: tuple[str, ...]) -> Watchlist:
    """A watchlist whose tickers were added in this order, a minute apart (the last is newest)."""
    watchlist = WatchlistFactory(name=name)
    start = timezone.now() - dt.timedelta(hours=1)
    for position, ticker in enumerate(tickers):
        WatchlistTickerFactory(
            watchlist=watchlist, ticker=ticker, added_at=start + dt.timedelta(minutes=position)
        )
    return watchlist


def _favs() -> Watchlist:
    """The shipped watchlist: RKLB, RDW, NBIS, CRWV, HOOD (added in that order)."""
    return _watchlist("Fav's", ("RKLB", "RDW", "NBIS", "CRWV", "HOOD"))


def _analyze(api: Any, tickers: tuple[str, ...], flags: dict[str, bool] = FLAGS_ON) -> list[int]:
    """Analyse each ticker through POST /api/analyze (the recordings' analyses), in order."""
    set_flags(flags)
    ids = []
    for ticker in tickers:
        response = api.post(f"/api/analyze/{ticker}")
        assert response.status_code == 200, response.content[:300]
        ids.append(response.json()["analysis_id"])
    return ids


# --- create ----------------------------------------------------------------------------------


def test_create(api: Any) -> None:
    body = replay(api, "POST__api_watchlists")
    assert body["name"] == "Golden Tech"
    assert body["tickers"] == []
    assert Watchlist.objects.filter(pk=body["id"]).exists()


def test_create_flags_off(api: Any) -> None:
    body = replay(api, "POST__api_watchlists_flags_off")
    assert body["name"] == "Golden Off"


def test_create_second(api: Any) -> None:
    replay(api, "POST__api_watchlists")
    body = replay(api, "POST__api_watchlists_second")
    assert body["name"] == "Golden Empty"
    assert Watchlist.objects.count() == 2


def test_create_db_locked(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(**kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "create_watchlist", locked)
    body = replay(api, "POST__api_watchlists_db_locked")
    # No raw exception text (allowed difference): our generic detail.
    assert body["detail"] == INTERNAL_ERROR_DETAIL


def test_create_duplicate(api: Any) -> None:
    replay(api, "POST__api_watchlists")
    body = replay(api, "POST__api_watchlists_duplicate")
    assert body["detail"] == "Watchlist 'Golden Tech' already exists"
    assert Watchlist.objects.count() == 1


def test_create_empty_name(api: Any) -> None:
    replay(api, "POST__api_watchlists_empty_name")
    assert not Watchlist.objects.exists()


def test_create_missing_name(api: Any) -> None:
    replay(api, "POST__api_watchlists_missing_name")
    assert not Watchlist.objects.exists()


# --- list and read ---------------------------------------------------------------------------


def test_list(api: Any) -> None:
    _favs()
    body = replay(api, "GET__api_watchlists")
    assert body["total_count"] == 1
    # Tickers newest first, as recorded.
    assert [t["ticker"] for t in body["watchlists"][0]["tickers"]] == ["HOOD", "CRWV", "NBIS", "RDW", "RKLB"]


def test_list_after_create(api: Any) -> None:
    _favs()
    created = replay(api, "POST__api_watchlists", body={"name": "Golden Watch"})
    for ticker in ("AAPL", "NVDA"):
        api.post(f"/api/watchlists/{created['id']}/tickers", {"ticker": ticker}, format="json")
    body = replay(api, "GET__api_watchlists_after_create")
    assert body["total_count"] == 2
    # The newest watchlist first, as recorded.
    assert [w["name"] for w in body["watchlists"]] == ["Golden Watch", "Fav's"]
    assert [t["ticker"] for t in body["watchlists"][0]["tickers"]] == ["NVDA", "AAPL"]


def test_detail(api: Any) -> None:
    watchlist = _favs()
    _analyze(api, ("RKLB", "RDW", "NBIS", "CRWV", "HOOD"))
    body = replay(api, "GET__api_watchlists_{watchlist_id}", path=f"/api/watchlists/{watchlist.pk}")
    assert [a["ticker"] for a in body["analyses"]] == ["HOOD", "CRWV", "NBIS", "RDW", "RKLB"]
    for item in body["analyses"]:
        assert item["latest_analysis"]["ticker"] == item["ticker"]


def test_detail_created(api: Any) -> None:
    created = replay(api, "POST__api_watchlists", body={"name": "Golden Watch"})
    for ticker in ("AAPL", "NVDA"):
        api.post(f"/api/watchlists/{created['id']}/tickers", {"ticker": ticker}, format="json")
    ids = _analyze(api, ("AAPL", "NVDA"))
    body = replay(
        api,
        "GET__api_watchlists_{watchlist_id}_created",
        path=f"/api/watchlists/{created['id']}",
        ignore=LATEST_NESTED,
    )
    assert body["name"] == "Golden Watch"
    assert {a["ticker"]: a["latest_analysis"]["id"] for a in body["analyses"]} == {
        "AAPL": ids[0],
        "NVDA": ids[1],
    }


def test_detail_non_integer_id(api: Any) -> None:
    replay(api, "GET__api_watchlists_{watchlist_id}_non_integer_id")


def test_detail_not_found(api: Any) -> None:
    body = replay(api, "GET__api_watchlists_{watchlist_id}_not_found")
    assert body["detail"] == "Watchlist 9999 not found"


# --- rename and delete -------------------------------------------------------------------------


def test_rename(api: Any) -> None:
    watchlist = _watchlist("Golden Tech", ())
    body = replay(api, "PUT__api_watchlists_{watchlist_id}", path=f"/api/watchlists/{watchlist.pk}")
    assert body == {**body, "success": True, "message": "Watchlist renamed to 'Golden Watch'"}
    watchlist.refresh_from_db()
    assert watchlist.name == "Golden Watch"


def test_rename_duplicate_name(api: Any) -> None:
    _favs()
    watchlist = _watchlist("Golden Watch", ())
    body = replay(
        api, "PUT__api_watchlists_{watchlist_id}_duplicate_name", path=f"/api/watchlists/{watchlist.pk}"
    )
    assert body["detail"] == "Watchlist 'Fav's' already exists"


def test_rename_not_found(api: Any) -> None:
    replay(api, "PUT__api_watchlists_{watchlist_id}_not_found")


def test_delete(api: Any) -> None:
    watchlist = _watchlist("Golden Empty", ())
    body = replay(api, "DELETE__api_watchlists_{watchlist_id}", path=f"/api/watchlists/{watchlist.pk}")
    assert body["message"] == f"Watchlist {watchlist.pk} deleted"
    assert not Watchlist.objects.exists()


def test_delete_already_deleted(api: Any) -> None:
    watchlist = _watchlist("Golden Empty", ())
    path = f"/api/watchlists/{watchlist.pk}"
    api.delete(path)
    body = replay(api, "DELETE__api_watchlists_{watchlist_id}_already_deleted", path=path)
    assert body["detail"] == f"Watchlist {watchlist.pk} not found"


# --- tickers ---------------------------------------------------------------------------------


@pytest.fixture
def golden() -> Watchlist:
    return _watchlist("Golden Tech", ())


def _tickers_path(watchlist: Watchlist) -> str:
    return f"/api/watchlists/{watchlist.pk}/tickers"


def test_add_ticker(api: Any, golden: Watchlist) -> None:
    body = replay(api, "POST__api_watchlists_{watchlist_id}_tickers", path=_tickers_path(golden))
    assert (body["ticker"], body["watchlist_id"]) == ("AAPL", golden.pk)  # upper-cased


def test_add_ticker_already_present(api: Any, golden: Watchlist) -> None:
    first = replay(api, "POST__api_watchlists_{watchlist_id}_tickers", path=_tickers_path(golden))
    again = replay(
        api, "POST__api_watchlists_{watchlist_id}_tickers_already_present", path=_tickers_path(golden)
    )
    # The same body as the first add (ours adds `changed` and the watchlist beside it).
    assert {k: again[k] for k in ("success", "ticker", "watchlist_id")} == {
        k: first[k] for k in ("success", "ticker", "watchlist_id")
    }
    assert golden.tickers.count() == 1


def test_add_ticker_flags_off(api: Any, golden: Watchlist) -> None:
    replay(api, "POST__api_watchlists_{watchlist_id}_tickers_flags_off", path=_tickers_path(golden))
    body = replay(
        api, "POST__api_watchlists_{watchlist_id}_tickers_flags_off_second", path=_tickers_path(golden)
    )
    assert body["ticker"] == "NVDA"
    assert golden.tickers.count() == 2


def test_add_second_and_third_ticker(api: Any, golden: Watchlist) -> None:
    replay(api, "POST__api_watchlists_{watchlist_id}_tickers", path=_tickers_path(golden))
    replay(api, "POST__api_watchlists_{watchlist_id}_tickers_second_ticker", path=_tickers_path(golden))
    body = replay(api, "POST__api_watchlists_{watchlist_id}_tickers_third_ticker", path=_tickers_path(golden))
    assert body["ticker"] == "GOOGL"
    assert sorted(golden.tickers.values_list("ticker", flat=True)) == ["AAPL", "GOOGL", "NVDA"]


def test_add_invalid_ticker(api: Any, golden: Watchlist) -> None:
    replay(api, "POST__api_watchlists_{watchlist_id}_tickers_invalid_ticker", path=_tickers_path(golden))
    assert not golden.tickers.exists()


def test_add_ticker_not_found(api: Any) -> None:
    body = replay(api, "POST__api_watchlists_{watchlist_id}_tickers_not_found")
    assert body["detail"] == "Watchlist 9999 not found"


def test_add_ticker_too_long(api: Any, golden: Watchlist) -> None:
    replay(api, "POST__api_watchlists_{watchlist_id}_tickers_ticker_too_long", path=_tickers_path(golden))
    assert not golden.tickers.exists()


def test_remove_ticker(api: Any) -> None:
    watchlist = _watchlist("Golden Watch", ("AAPL", "NVDA", "GOOGL"))
    body = replay(
        api,
        "DELETE__api_watchlists_{watchlist_id}_tickers_{ticker}",
        path=f"/api/watchlists/{watchlist.pk}/tickers/googl",
    )
    assert (body["ticker"], body["watchlist_id"]) == ("GOOGL", watchlist.pk)
    assert sorted(watchlist.tickers.values_list("ticker", flat=True)) == ["AAPL", "NVDA"]


def test_remove_ticker_not_in_watchlist(api: Any) -> None:
    watchlist = _watchlist("Golden Watch", ("AAPL", "NVDA"))
    body = replay(
        api,
        "DELETE__api_watchlists_{watchlist_id}_tickers_{ticker}_not_in_watchlist",
        path=f"/api/watchlists/{watchlist.pk}/tickers/GOOGL",
    )
    assert body["detail"] == f"Ticker GOOGL not in watchlist {watchlist.pk}"


# --- analyze (SSE) -----------------------------------------------------------------------------


@pytest.fixture
def engines_in_threads(settings: Any) -> None:
    # The stream's analyses run in pool threads on their own connections; worker processes would
    # open the test database from a fresh process, so the engines run in those threads here.
    settings.WATCHLIST_ENGINE_PROCESSES = 0


def _analyze_path(watchlist: Watchlist) -> str:
    return f"/api/watchlists/{watchlist.pk}/analyze"


def _payloads(events: list[tuple[str, Any]], name: str) -> list[Any]:
    return [data for event, data in events if event == name]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("engines_in_threads")
def test_analyze(api: Any) -> None:
    watchlist = _watchlist("Golden Watch", ("AAPL", "NVDA"))
    events = replay(api, "POST__api_watchlists_{watchlist_id}_analyze", path=_analyze_path(watchlist))
    results = _payloads(events, "result")
    assert sorted(r["ticker"] for r in results) == ["AAPL", "NVDA"]
    assert all(r["analysis_schema_version"] == "v2" for r in results)
    done = events[-1][1]
    assert done["message"] == "All analyses complete"
    assert (done["ticker_count"], done["completed"]) == (2, 2)
    # Ranking is on: the run's analyses, ranked.
    assert {o["analysis_id"] for o in done["opportunities"]} == {r["analysis_id"] for r in results}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("engines_in_threads")
def test_analyze_flags_off(api: Any) -> None:
    watchlist = _watchlist("Golden Off", ("AAPL", "NVDA"))
    events = replay(
        api, "POST__api_watchlists_{watchlist_id}_analyze_flags_off", path=_analyze_path(watchlist)
    )
    results = _payloads(events, "result")
    assert [r["analysis_schema_version"] for r in results] == ["v1", "v1"]
    assert all(r["confidence_calibrated"] is None for r in results)
    done = events[-1][1]
    assert (done["ticker_count"], done["completed"], done["opportunities"]) == (2, 2, [])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("engines_in_threads")
def test_analyze_analysis_failed(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(analysis_service, "persist_analysis", locked)
    watchlist = _watchlist("Golden Watch", ("AAPL", "NVDA"))
    events = replay(
        api,
        "POST__api_watchlists_{watchlist_id}_analyze_analysis_failed",
        path=_analyze_path(watchlist),
        # The recorded `done` ranks analyses stored by earlier runs of the recording session;
        # nothing of this run was stored, so there is nothing to rank.
        allow_empty=("done.opportunities",),
    )
    errors = _payloads(events, "error")
    assert sorted(e["ticker"] for e in errors) == ["AAPL", "NVDA"]
    for error in errors:
        assert error["success"] is False and error["analysis_id"] is None
        # No raw exception text (allowed difference): our generic detail.
        assert error["error"] == INTERNAL_ERROR_DETAIL
    assert (events[-1][1]["ticker_count"], events[-1][1]["completed"]) == (2, 2)
    assert not Analysis.objects.exists()


def test_analyze_no_tickers(api: Any) -> None:
    watchlist = _watchlist("Golden Empty", ())
    body = replay(
        api, "POST__api_watchlists_{watchlist_id}_analyze_no_tickers", path=_analyze_path(watchlist)
    )
    assert body["detail"] == "Watchlist has no tickers"


def test_analyze_not_found(api: Any) -> None:
    replay(api, "POST__api_watchlists_{watchlist_id}_analyze_not_found")


def test_analyze_unknown_agent(api: Any) -> None:
    watchlist = _watchlist("Golden Watch", ("AAPL", "NVDA"))
    body = replay(
        api, "POST__api_watchlists_{watchlist_id}_analyze_unknown_agent", path=_analyze_path(watchlist)
    )
    assert "xyz" in body["detail"]
    assert not Analysis.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("engines_in_threads")
def test_detail_after_analyze(api: Any) -> None:
    watchlist = _watchlist("Golden Watch", ("AAPL", "NVDA"))
    # The recorded list had been analysed before, so each latest analysis compares with a previous one.
    _analyze(api, ("AAPL", "NVDA"))
    events = replay(api, "POST__api_watchlists_{watchlist_id}_analyze", path=_analyze_path(watchlist))
    ran = {data["ticker"]: data["analysis_id"] for data in _payloads(events, "result")}
    body = replay(
        api,
        "GET__api_watchlists_{watchlist_id}_after_analyze",
        path=f"/api/watchlists/{watchlist.pk}",
        # The earlier offline run could not reach fundamentals, so its diagnostics list that agent
        # as failed; on the demo market every agent answers, so nothing has failed here.
        allow_empty=tuple(
            f"analyses[].latest_analysis.{block}.diagnostics.data_quality.failed_agents"
            for block in ("analysis", "analysis_payload")
        ),
    )
    assert {a["ticker"]: a["latest_analysis"]["id"] for a in body["analyses"]} == ran


# --- opportunities -------------------------------------------------------------------------------


def _opportunities(watchlist: Watchlist) -> str:
    return f"/api/watchlists/{watchlist.pk}/opportunities"


@pytest.fixture
def analysed_favs(api: Any) -> Callable[[], Watchlist]:
    def make() -> Watchlist:
        watchlist = _favs()
        _analyze(api, ("RKLB", "RDW", "NBIS", "CRWV", "HOOD"))
        return watchlist

    return make


def test_opportunities(api: Any, analysed_favs: Callable[[], Watchlist]) -> None:
    watchlist = analysed_favs()
    body = replay(api, "GET__api_watchlists_{watchlist_id}_opportunities", path=_opportunities(watchlist))
    assert body["watchlist_id"] == watchlist.pk
    assert body["total_count"] == len(body["opportunities"]) == 5


def test_opportunities_filters(api: Any, analysed_favs: Callable[[], Watchlist]) -> None:
    watchlist = analysed_favs()
    body = replay(
        api,
        "GET__api_watchlists_{watchlist_id}_opportunities_filters",
        path=_opportunities(watchlist),
    )
    assert body["total_count"] == len(body["opportunities"]) == 2
    assert all(o["data_quality_score"] >= 60 for o in body["opportunities"])


def test_opportunities_after_analyze(api: Any) -> None:
    watchlist = _watchlist("Golden Watch", ("AAPL", "NVDA"))
    ids = _analyze(api, ("NVDA", "AAPL"))
    body = replay(
        api, "GET__api_watchlists_{watchlist_id}_opportunities_after_analyze", path=_opportunities(watchlist)
    )
    assert sorted(o["analysis_id"] for o in body["opportunities"]) == sorted(ids)
    assert body["total_count"] == 2


def test_opportunities_flags_off(api: Any) -> None:
    watchlist = _watchlist("Golden Off", ("AAPL", "NVDA"))
    _analyze(api, ("NVDA", "AAPL"), flags=FLAGS_OFF)
    body = replay(
        api, "GET__api_watchlists_{watchlist_id}_opportunities_flags_off", path=_opportunities(watchlist)
    )
    # Flags-off analyses carry no signal contract, so nothing is ranked.
    assert body["opportunities"] == [] and body["total_count"] == 0


def test_opportunities_not_found(api: Any) -> None:
    body = replay(api, "GET__api_watchlists_{watchlist_id}_opportunities_not_found")
    assert body["detail"] == "Watchlist 9999 not found"
