"""The watchlists pages with Django's client: the lists, one list, its forms and errors, roles,
and the ranked opportunities table rendered server-side."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from analysis.models import Analysis
from tests.factories import AnalysisFactory, WatchlistFactory, WatchlistTickerFactory
from watchlists.models import Watchlist, WatchlistTicker

pytestmark = pytest.mark.django_db

LIST_PAGE = "/watchlists/"


@pytest.fixture
def pm_client(pm: Any, client_for: Callable[[Any], Client]) -> Client:
    return client_for(pm)


@pytest.fixture
def viewer_client(viewer: Any, client_for: Callable[[Any], Client]) -> Client:
    return client_for(viewer)


def watchlist_with(*tickers: str, name: str = "Tech") -> Watchlist:
    watchlist = WatchlistFactory(name=name)
    for ticker in tickers:
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    return watchlist


def v2_analysis(ticker: str, *, ev: float | None, quality: float | None, **fields: Any) -> Analysis:
    moment = fields.pop("as_of", timezone.now() - dt.timedelta(hours=2))
    values: dict[str, Any] = {
        "ticker": ticker,
        "timestamp": moment,
        "as_of": moment,
        "recommendation": "BUY",
        "analysis_schema_version": "v2",
        "ev_score_7d": ev,
        "confidence_calibrated": 0.6,
        "data_quality_score": quality,
        "regime_label": "risk_on",
        "data_source": "demo",
        "signal_contract_v2": {"confidence": {"sample_size": 12}, "liquidity": {"capacity_usd": 2_500_000.0}},
        "analysis_payload": {"portfolio_action_v2": {"action": "add"}},
    }
    values.update(fields)
    return AnalysisFactory(**values)


def table_tickers(html: str) -> list[str]:
    body = html.split('id="opps-body"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr data-ticker="([^"]+)"', body)


# ---- Reading -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LIST_PAGE, "/watchlists/1/"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_list_shows_each_watchlist_with_its_ticker_count_and_link(viewer_client: Client) -> None:
    tech = watchlist_with("AAPL", "MSFT", "NVDA", name="Tech")
    watchlist_with(name="Empty")

    response = viewer_client.get(LIST_PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/watchlists/{tech.pk}/">Tech</a>' in html
    assert 'data-testid="ticker-count">3 <small class="muted">AAPL, MSFT, NVDA</small>' in html
    assert 'data-testid="ticker-count">0</td>' in html
    # Names sort ignoring case, as in the API.
    assert html.index(">Empty<") < html.index(">Tech<")


def test_an_empty_desk_says_so(pm_client: Client) -> None:
    html = pm_client.get(LIST_PAGE).content.decode()

    assert 'data-testid="no-watchlists"' in html
    assert "Create the first one below." in html


def test_a_viewer_reads_the_lists_and_a_list_without_any_form(viewer_client: Client) -> None:
    tech = watchlist_with("AAPL", "MSFT")

    lists = viewer_client.get(LIST_PAGE).content.decode()
    detail = viewer_client.get(f"/watchlists/{tech.pk}/").content.decode()

    assert 'data-testid="create-form"' not in lists
    assert "a PM or an admin changes them" in lists
    assert 'data-testid="ticker-chips"' in detail and 'data-ticker="MSFT"' in detail
    assert 'data-testid="add-ticker-form"' not in detail
    assert "Remove AAPL" not in detail
    assert "Analyze all" not in detail and "analyze-panel" not in detail
    assert "Delete “Tech”" not in detail
    # The ranked table and its CSV link are for everyone.
    assert 'data-testid="opportunities-table"' in detail
    assert 'data-testid="csv-link"' in detail


def test_a_pm_sees_the_forms_the_analyze_panel_and_every_agent(pm_client: Client) -> None:
    tech = watchlist_with("AAPL", "MSFT")

    html = pm_client.get(f"/watchlists/{tech.pk}/").content.decode()

    assert 'data-testid="add-ticker-form"' in html
    assert 'aria-label="Remove AAPL"' in html
    assert f'data-analyze-url="/api/watchlists/{tech.pk}/analyze"' in html
    for agent in ("news", "market", "fundamentals", "technical", "macro", "options", "sentiment"):
        assert f'name="agents" value="{agent}" checked' in html
    # One progress row per ticker, waiting, in the order the server runs them.
    assert re.findall(r'<li data-ticker="(\w+)" data-state="waiting">', html) == ["AAPL", "MSFT"]


def test_an_empty_list_has_nothing_to_analyse(pm_client: Client) -> None:
    empty = watchlist_with(name="Empty")

    html = pm_client.get(f"/watchlists/{empty.pk}/").content.decode()

    assert 'data-testid="no-tickers"' in html
    assert 'id="analyze-all"' not in html
    assert "Add tickers first" in html


def test_an_unknown_watchlist_is_a_404(viewer_client: Client) -> None:
    assert viewer_client.get("/watchlists/999/").status_code == 404


# ---- Creating ------------------------------------------------------------------------------------


def test_a_pm_creates_a_watchlist_and_lands_on_it(pm_client: Client) -> None:
    response = pm_client.post(LIST_PAGE, {"name": "  Tech test "}, follow=True)

    created = Watchlist.objects.get()
    assert created.name == "Tech test"
    assert response.redirect_chain == [(f"/watchlists/{created.pk}/", 302)]
    html = response.content.decode()
    assert "Watchlist Tech test created." in html
    assert '<h1 data-testid="watchlist-name">Tech test</h1>' in html


@pytest.mark.parametrize(
    ("name", "message", "status"),
    [
        ("", "A watchlist name is required.", 400),
        ("x" * 51, "A watchlist name has at most 50 characters (51 given).", 400),
        ("tech", "Watchlist &#x27;Tech&#x27; already exists", 409),
    ],
)
def test_a_refused_name_shows_the_message(pm_client: Client, name: str, message: str, status: int) -> None:
    WatchlistFactory(name="Tech")

    response = pm_client.post(LIST_PAGE, {"name": name})

    assert response.status_code == status
    html = response.content.decode()
    assert f'data-testid="create-error">{message}</p>' in html
    assert f'name="name" value="{name}"' in html  # the form keeps what was typed
    assert Watchlist.objects.count() == 1


# ---- Tickers -------------------------------------------------------------------------------------


def test_a_pm_adds_a_ticker_in_its_canonical_form(pm_client: Client) -> None:
    tech = watchlist_with("AAPL")

    response = pm_client.post(f"/watchlists/{tech.pk}/tickers", {"ticker": " brk-b "}, follow=True)

    assert response.redirect_chain == [(f"/watchlists/{tech.pk}/", 302)]
    assert sorted(tech.tickers.values_list("ticker", flat=True)) == ["AAPL", "BRK.B"]
    html = response.content.decode()
    assert "BRK.B added to Tech." in html
    assert '<li data-ticker="BRK.B"><a href="/analysis/BRK.B/">BRK.B</a>' in html


def test_a_ticker_already_there_is_left_as_it_is_and_said_so(pm_client: Client) -> None:
    tech = watchlist_with("AAPL")

    response = pm_client.post(f"/watchlists/{tech.pk}/tickers", {"ticker": "aapl"}, follow=True)

    assert response.redirect_chain == [(f"/watchlists/{tech.pk}/", 302)]
    assert "AAPL is already on Tech." in response.content.decode()
    assert list(tech.tickers.values_list("ticker", flat=True)) == ["AAPL"]


def test_a_bad_ticker_is_refused_with_a_400(pm_client: Client) -> None:
    tech = watchlist_with()

    response = pm_client.post(f"/watchlists/{tech.pk}/tickers", {"ticker": "NOT A TICKER"})

    assert response.status_code == 400
    assert "is not a US equity ticker" in response.content.decode()
    assert not WatchlistTicker.objects.exists()


def test_a_pm_removes_a_ticker(pm_client: Client) -> None:
    tech = watchlist_with("AAPL", "MSFT")

    response = pm_client.post(f"/watchlists/{tech.pk}/tickers/MSFT/remove", follow=True)

    assert response.redirect_chain == [(f"/watchlists/{tech.pk}/", 302)]
    assert list(tech.tickers.values_list("ticker", flat=True)) == ["AAPL"]
    html = response.content.decode()
    assert "MSFT removed from Tech." in html
    assert 'data-ticker="MSFT"' not in html


def test_removing_a_ticker_that_is_not_there_says_so(pm_client: Client) -> None:
    tech = watchlist_with("AAPL")

    response = pm_client.post(f"/watchlists/{tech.pk}/tickers/MSFT/remove")

    assert response.status_code == 404
    assert f"Ticker MSFT not in watchlist {tech.pk}" in response.content.decode()


def test_a_pm_deletes_a_watchlist_and_keeps_its_analyses(pm_client: Client) -> None:
    tech = watchlist_with("AAPL")
    AnalysisFactory(ticker="AAPL")

    response = pm_client.post(f"/watchlists/{tech.pk}/delete", follow=True)

    assert response.redirect_chain == [(LIST_PAGE, 302)]
    assert not Watchlist.objects.exists()
    assert Analysis.objects.count() == 1
    assert "Watchlist Tech deleted" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (LIST_PAGE, {"name": "Mine"}),
        ("/watchlists/{id}/tickers", {"ticker": "NVDA"}),
        ("/watchlists/{id}/tickers/AAPL/remove", {}),
        ("/watchlists/{id}/delete", {}),
    ],
)
def test_a_viewers_post_is_refused(viewer_client: Client, path: str, data: dict) -> None:
    tech = watchlist_with("AAPL")

    response = viewer_client.post(path.format(id=tech.pk), data)

    assert response.status_code == 403
    assert list(Watchlist.objects.values_list("name", flat=True)) == ["Tech"]
    assert list(WatchlistTicker.objects.values_list("ticker", flat=True)) == ["AAPL"]


def test_the_forms_need_a_post(pm_client: Client) -> None:
    tech = watchlist_with("AAPL")

    assert pm_client.get(f"/watchlists/{tech.pk}/tickers").status_code == 405
    assert pm_client.get(f"/watchlists/{tech.pk}/delete").status_code == 405


def test_posts_need_the_csrf_token(pm: Any) -> None:
    tech = watchlist_with("AAPL")
    client = Client(enforce_csrf_checks=True)
    client.force_login(pm)

    response = client.post(f"/watchlists/{tech.pk}/tickers", {"ticker": "MSFT"})

    assert response.status_code == 403
    assert list(tech.tickers.values_list("ticker", flat=True)) == ["AAPL"]


# ---- The ranked opportunities table --------------------------------------------------------------


def test_the_table_ranks_each_tickers_latest_analysis_like_the_api(
    viewer_client: Client, viewer: Any, client_for: Callable[[Any], Client]
) -> None:
    tech = watchlist_with("AAPL", "MSFT", "NVDA", "XOM")
    as_of = dt.datetime(2025, 6, 13, 20, 0, tzinfo=dt.UTC)

    def payload(net: float) -> dict[str, Any]:
        return {
            "portfolio_action_v2": {"action": "add"},
            "expected_net_return_pct": {"1d": net / 7, "7d": net, "30d": net * 30 / 7},
            "expected_return_source": "evidence",
        }

    v2_analysis("AAPL", ev=0.5, quality=80, as_of=as_of, analysis_payload=payload(0.4))
    v2_analysis(
        "MSFT", ev=1.75, quality=60, as_of=as_of, data_source="yfinance", analysis_payload=payload(1.2)
    )
    # A SELL with an edge: last by EV (the long holder's view), second by the call's own net return.
    v2_analysis(
        "NVDA", ev=-0.25, quality=90, as_of=as_of, recommendation="SELL", analysis_payload=payload(0.9)
    )
    # An older MSFT analysis does not count: only the latest one is ranked.
    v2_analysis("MSFT", ev=9.0, quality=99, as_of=as_of - dt.timedelta(days=3), analysis_payload=payload(5.0))

    response = viewer_client.get(f"/watchlists/{tech.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    api = (
        client_for(viewer)
        .get(
            f"/api/watchlists/{tech.pk}/opportunities?sort=expected_net_return",
            headers={"X-Signal-Contract": "v2"},
        )
        .json()
    )
    # The page ranks by the call's expected net return, and says so.
    assert table_tickers(html) == [o["ticker"] for o in api["opportunities"]] == ["MSFT", "NVDA", "AAPL"]
    assert "Ranked by the call's expected 7-day return net of costs" in html
    assert '<td data-value="1.2">+1.20 % <small>evidence</small></td>' in html
    row = html.split('<tr data-ticker="MSFT"', 1)[1].split("</tr>", 1)[0]
    assert '<td data-value="1">1</td>' in row
    assert '<td data-value="1.75">+1.75 %</td>' in row
    assert "0.60 <small>n=12</small>" in row
    assert "60.0/100" in row and "$2,500,000" in row and "risk_on" in row
    assert '<span class="opt-action opt-action-add">ADD</span>' in row
    # Each row's numbers carry their as-of time, in New York with its zone; demo data is labelled.
    assert '<time datetime="2025-06-13T20:00:00Z">2025-06-13 16:00 EDT</time>' in row
    assert "Demo data" not in row
    assert "Demo data" in html.split('<tr data-ticker="AAPL"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="opps-missing">No usable analysis yet for XOM.</p>' in html
    assert "Ranked from each ticker's latest analysis at <time" in html
    assert f'href="/api/watchlists/{tech.pk}/opportunities.csv?sort=expected_net_return"' in html


def test_the_filters_apply_on_the_page_and_the_csv_link_carries_them(viewer_client: Client) -> None:
    tech = watchlist_with("AAPL", "MSFT", "NVDA")
    v2_analysis("AAPL", ev=0.5, quality=80)
    v2_analysis("MSFT", ev=1.75, quality=60)
    v2_analysis("NVDA", ev=-0.25, quality=90)

    response = viewer_client.get(f"/watchlists/{tech.pk}/?min_quality=70&min_ev=0")

    html = response.content.decode()
    assert table_tickers(html) == ["AAPL"]
    assert 'id="min-quality" min="0" max="100" step="any" value="70"' in html
    assert 'id="min-ev" step="any" value="0"' in html
    query = "min_quality=70&amp;min_ev=0&amp;sort=expected_net_return"
    csv_href = f"/api/watchlists/{tech.pk}/opportunities.csv?{query}"
    assert f'href="{csv_href}"' in html
    # The CSV behind the link holds exactly the rows on screen.
    csv = viewer_client.get(csv_href.replace("&amp;", "&")).content.decode()
    assert [line.split(",")[1] for line in csv.splitlines()[1:]] == ["AAPL"]


def test_filters_the_endpoint_refuses_are_shown_with_a_400(viewer_client: Client) -> None:
    tech = watchlist_with("AAPL")
    v2_analysis("AAPL", ev=0.5, quality=80)

    response = viewer_client.get(f"/watchlists/{tech.pk}/?min_quality=150")

    assert response.status_code == 400
    html = response.content.decode()
    assert "min_quality must be a number from 0 to 100, not &#x27;150&#x27;." in html
    assert table_tickers(html) == []
    assert re.search(r'data-testid="csv-link" download hidden>', html)


def test_v1_analyses_are_not_ranked_and_the_page_says_which(viewer_client: Client) -> None:
    tech = watchlist_with("AAPL", "MSFT")
    AnalysisFactory(ticker="AAPL", recommendation="HOLD")  # v1: no signal contract
    v2_analysis("MSFT", ev=-1.0, quality=50)

    html = viewer_client.get(f"/watchlists/{tech.pk}/").content.decode()

    assert table_tickers(html) == ["MSFT"]
    unranked = html.split('data-testid="opps-unranked"', 1)[1].split("</p>", 1)[0]
    assert " hidden" not in unranked.split(">", 1)[0]
    assert "no signal contract (v1): AAPL." in unranked


def test_no_analyses_yet_leaves_an_empty_table_with_a_hint(viewer_client: Client) -> None:
    tech = watchlist_with("AAPL")

    html = viewer_client.get(f"/watchlists/{tech.pk}/").content.decode()

    assert table_tickers(html) == []
    assert 'data-testid="opps-empty"' in html and 'data-testid="opps-empty" hidden' not in html
    assert "No usable analysis yet for AAPL." in html


def test_the_page_says_when_ranking_is_off_for_a_runs_summary(viewer_client: Client, flag: Any) -> None:
    tech = watchlist_with("AAPL")

    flag("WATCHLIST_RANKING_ENABLED", False)
    assert 'data-testid="ranking-off"' in viewer_client.get(f"/watchlists/{tech.pk}/").content.decode()
    flag("WATCHLIST_RANKING_ENABLED", True)
    assert 'data-testid="ranking-off"' not in viewer_client.get(f"/watchlists/{tech.pk}/").content.decode()
