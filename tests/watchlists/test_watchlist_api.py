"""/api/watchlists CRUD and tickers: shapes, every validation error (400/409/422, never 500), roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import AnalysisFactory, WatchlistFactory, WatchlistTickerFactory
from watchlists.models import Watchlist, WatchlistTicker

pytestmark = pytest.mark.django_db

W_KEYS = {"id", "name", "tickers", "symbols", "ticker_count", "created_at", "updated_at"}


def _watchlist(name: str = "Large caps", tickers: tuple[str, ...] = ()) -> Watchlist:
    watchlist = WatchlistFactory(name=name)
    for ticker in tickers:
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    return watchlist


# --- list, create, read, rename, delete ---------------------------------------------------------


def test_list_gives_every_watchlist_newest_first_with_its_tickers(viewer_api: APIClient) -> None:
    banks = _watchlist("banks", ("JPM", "BAC"))
    alpha = _watchlist("Alpha", ("MSFT", "AAPL", "NVDA"))
    Watchlist.objects.filter(pk=banks.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    body = viewer_api.get("/api/watchlists").json()
    assert body["total_count"] == 2
    assert [w["name"] for w in body["watchlists"]] == ["Alpha", "banks"]
    first = body["watchlists"][0]
    assert first["id"] == alpha.pk
    assert set(first) == W_KEYS
    # The earlier shape: [{ticker, added_at}], the newest first; ours sorted beside it.
    assert [t["ticker"] for t in first["tickers"]] == ["NVDA", "AAPL", "MSFT"]
    assert all(set(t) == {"ticker", "added_at"} for t in first["tickers"])
    assert first["symbols"] == ["AAPL", "MSFT", "NVDA"]
    assert first["ticker_count"] == 3


def test_list_is_empty_without_watchlists(viewer_api: APIClient) -> None:
    assert viewer_api.get("/api/watchlists").json() == {"watchlists": [], "total_count": 0}


def test_create_strips_the_name_and_answers_200_with_w(pm_api: APIClient) -> None:
    response = pm_api.post("/api/watchlists", {"name": "  Large caps  "}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == W_KEYS
    assert body["name"] == "Large caps"
    assert body["tickers"] == [] and body["symbols"] == [] and body["ticker_count"] == 0
    assert Watchlist.objects.get(pk=body["id"]).name == "Large caps"


def test_a_name_of_exactly_50_characters_is_accepted(pm_api: APIClient) -> None:
    response = pm_api.post("/api/watchlists", {"name": "x" * 50}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"name": 42}, "name"),
        ({"name": ["a"]}, "name"),
        (["name"], "non_field_errors"),
    ],
)
def test_names_outside_the_declared_bounds_are_a_422(pm_api: APIClient, body: Any, field: str) -> None:
    response = pm_api.post("/api/watchlists", body, format="json")
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert field in response.json()["errors"]
    assert not Watchlist.objects.exists()


def test_a_name_with_a_line_break_is_a_400(pm_api: APIClient) -> None:
    response = pm_api.post("/api/watchlists", {"name": "two\nlines"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "A watchlist name cannot contain control characters or line breaks."}
    assert not Watchlist.objects.exists()


def test_malformed_json_is_a_400(pm_api: APIClient) -> None:
    response = pm_api.post("/api/watchlists", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_names_are_unique_ignoring_case(pm_api: APIClient) -> None:
    _watchlist("Large caps")
    response = pm_api.post("/api/watchlists", {"name": "LARGE CAPS "}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Watchlist 'Large caps' already exists"}
    assert Watchlist.objects.count() == 1


def test_read_one_with_each_tickers_latest_analysis(viewer_api: APIClient) -> None:
    watchlist = _watchlist("Energy", ("XOM", "CVX"))
    AnalysisFactory(ticker="XOM", timestamp=timezone.now() - dt.timedelta(days=2))
    latest = AnalysisFactory(ticker="XOM", timestamp=timezone.now() - dt.timedelta(hours=1))
    body = viewer_api.get(f"/api/watchlists/{watchlist.pk}").json()
    assert body["id"] == watchlist.pk
    assert [t["ticker"] for t in body["tickers"]] == ["CVX", "XOM"]  # the newest first
    assert body["symbols"] == ["CVX", "XOM"]
    analyses = {item["ticker"]: item["latest_analysis"] for item in body["analyses"]}
    assert analyses["CVX"] is None
    assert analyses["XOM"]["id"] == latest.pk
    assert {"confidence_score", "analysis_payload", "analysis"} <= set(analyses["XOM"])


def test_a_non_integer_id_is_a_422(viewer_api: APIClient, pm_api: APIClient) -> None:
    for path in ("/api/watchlists/abc", "/api/watchlists/abc/opportunities"):
        response = viewer_api.get(path)
        assert response.status_code == 422, path
        assert isinstance(response.json()["detail"], str)
    assert pm_api.delete("/api/watchlists/1x/tickers/AAPL").status_code == 422
    assert viewer_api.get("/api/watchlists/1/no-such-thing").status_code == 404


def test_unknown_ids_are_404_with_a_message(pm_api: APIClient) -> None:
    for method, path, body in [
        ("get", "/api/watchlists/999", None),
        ("put", "/api/watchlists/999", {"name": "x"}),
        ("delete", "/api/watchlists/999", None),
        ("post", "/api/watchlists/999/tickers", {"ticker": "AAPL"}),
        ("delete", "/api/watchlists/999/tickers/AAPL", None),
        ("post", "/api/watchlists/999/analyze", None),
        ("get", "/api/watchlists/999/opportunities", None),
        ("get", "/api/watchlists/999/opportunities.csv", None),
    ]:
        response = getattr(pm_api, method)(path, body, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Watchlist 999 not found"}


def test_rename(pm_api: APIClient) -> None:
    watchlist = _watchlist("Old", ("AAPL",))
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": " New name "}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["message"]) == (True, "Watchlist renamed to 'New name'")
    assert body["watchlist"]["name"] == "New name"
    assert body["watchlist"]["symbols"] == ["AAPL"]
    watchlist.refresh_from_db()
    assert watchlist.name == "New name"


def test_rename_may_change_only_the_case_of_its_own_name(pm_api: APIClient) -> None:
    watchlist = _watchlist("large caps")
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": "Large Caps"}, format="json")
    assert response.status_code == 200
    assert response.json()["watchlist"]["name"] == "Large Caps"


def test_rename_refuses_another_watchlists_name_and_bad_names(pm_api: APIClient) -> None:
    _watchlist("Banks")
    watchlist = _watchlist("Energy")
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": "banks"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Watchlist 'Banks' already exists"}
    response = pm_api.put(f"/api/watchlists/{watchlist.pk}", {"name": ""}, format="json")
    assert response.status_code == 422
    watchlist.refresh_from_db()
    assert watchlist.name == "Energy"


def test_delete_removes_the_watchlist_and_its_tickers(pm_api: APIClient) -> None:
    watchlist = _watchlist("Gone", ("AAPL", "MSFT"))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": f"Watchlist {watchlist.pk} deleted",
        "deleted_id": watchlist.pk,
    }
    assert not Watchlist.objects.exists()
    assert not WatchlistTicker.objects.exists()


# --- tickers ---------------------------------------------------------------------------------


def test_add_a_ticker_normalises_it_and_answers_200(pm_api: APIClient) -> None:
    watchlist = _watchlist("Mixed", ("MSFT",))
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": " brk-b "}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("success", "ticker", "watchlist_id", "changed")} == {
        "success": True,
        "ticker": "BRK.B",
        "watchlist_id": watchlist.pk,
        "changed": True,
    }
    assert set(body["watchlist"]) == W_KEYS
    assert body["watchlist"]["symbols"] == ["BRK.B", "MSFT"]
    assert body["watchlist"]["ticker_count"] == 2


def test_adding_a_ticker_touches_updated_at(pm_api: APIClient) -> None:
    watchlist = _watchlist("Touched")
    Watchlist.objects.filter(pk=watchlist.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    before = Watchlist.objects.get(pk=watchlist.pk).updated_at
    pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "AAPL"}, format="json")
    assert Watchlist.objects.get(pk=watchlist.pk).updated_at > before


def test_a_ticker_already_there_is_a_200_that_changes_nothing(pm_api: APIClient) -> None:
    watchlist = _watchlist("Dupes", ("AAPL",))
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "aapl"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["ticker"], body["changed"]) == (True, "AAPL", False)
    assert WatchlistTicker.objects.filter(watchlist=watchlist).count() == 1


def test_the_same_ticker_may_sit_on_two_watchlists(pm_api: APIClient) -> None:
    _watchlist("One", ("AAPL",))
    two = _watchlist("Two")
    response = pm_api.post(f"/api/watchlists/{two.pk}/tickers", {"ticker": "AAPL"}, format="json")
    assert response.status_code == 200
    assert response.json()["changed"] is True


@pytest.mark.parametrize(
    "body",
    [{"ticker": ""}, {}, {"ticker": 12}, {"ticker": "TOOLONG"}, {"ticker": "=HYPERLINK(1)"}, "AAPL"],
)
def test_tickers_outside_the_declared_bounds_are_a_422(pm_api: APIClient, body: Any) -> None:
    watchlist = _watchlist("Strict")
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", body, format="json")
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert not WatchlistTicker.objects.exists()


@pytest.mark.parametrize(
    ("ticker", "fragment"),
    [
        ("AB1", "'AB1' is not a US equity ticker"),
        ("A=B", "is not a US equity ticker"),
        ("BRK.BBB", "BRK.BBB"),
    ],
)
def test_a_bad_symbol_format_is_a_400(pm_api: APIClient, ticker: str, fragment: str) -> None:
    watchlist = _watchlist("Strict")
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": ticker}, format="json")
    assert response.status_code == 400
    assert fragment in response.json()["detail"]
    assert not WatchlistTicker.objects.exists()


def test_remove_a_ticker(pm_api: APIClient) -> None:
    watchlist = _watchlist("Trim", ("AAPL", "BRK.B", "MSFT"))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/brk-b")
    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["ticker"], body["watchlist_id"]) == (True, "BRK.B", watchlist.pk)
    assert body["watchlist"]["symbols"] == ["AAPL", "MSFT"]
    assert body["watchlist"]["ticker_count"] == 2


def test_removing_a_ticker_not_on_the_list_is_a_404(pm_api: APIClient) -> None:
    watchlist = _watchlist("Trim", ("MSFT",))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/aapl")
    assert response.status_code == 404
    assert response.json() == {"detail": f"Ticker AAPL not in watchlist {watchlist.pk}"}


def test_removing_an_invalid_symbol_is_a_400(pm_api: APIClient) -> None:
    watchlist = _watchlist("Trim", ("MSFT",))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/TOOLONG")
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.json()["detail"]


def test_a_legacy_symbol_outside_todays_rules_can_still_be_removed(pm_api: APIClient) -> None:
    watchlist = _watchlist("Europa", ("SAP", "7203"))
    response = pm_api.delete(f"/api/watchlists/{watchlist.pk}/tickers/7203")
    assert response.status_code == 200
    assert response.json()["watchlist"]["symbols"] == ["SAP"]


# --- roles and CSRF ----------------------------------------------------------------------------


def test_a_viewer_reads_but_cannot_write(viewer_api: APIClient) -> None:
    watchlist = _watchlist("Read only", ("AAPL",))
    assert viewer_api.get("/api/watchlists").status_code == 200
    assert viewer_api.get(f"/api/watchlists/{watchlist.pk}").status_code == 200
    assert viewer_api.get(f"/api/watchlists/{watchlist.pk}/opportunities").status_code == 200
    assert viewer_api.get(f"/api/watchlists/{watchlist.pk}/opportunities.csv").status_code == 200
    writes = [
        ("post", "/api/watchlists", {"name": "Mine"}),
        ("put", f"/api/watchlists/{watchlist.pk}", {"name": "Mine"}),
        ("delete", f"/api/watchlists/{watchlist.pk}", None),
        ("post", f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "MSFT"}),
        ("delete", f"/api/watchlists/{watchlist.pk}/tickers/AAPL", None),
        ("post", f"/api/watchlists/{watchlist.pk}/analyze", None),
    ]
    for method, path, body in writes:
        response = getattr(viewer_api, method)(path, body, format="json")
        assert response.status_code == 403, (method, path)
        assert "detail" in response.json()
    watchlist.refresh_from_db()
    assert watchlist.name == "Read only"
    assert list(WatchlistTicker.objects.values_list("ticker", flat=True)) == ["AAPL"]


def test_anonymous_callers_get_401(anon_api: APIClient) -> None:
    watchlist = _watchlist("Private", ("AAPL",))
    for method, path in [
        ("get", "/api/watchlists"),
        ("post", "/api/watchlists"),
        ("get", f"/api/watchlists/{watchlist.pk}"),
        ("put", f"/api/watchlists/{watchlist.pk}"),
        ("delete", f"/api/watchlists/{watchlist.pk}"),
        ("post", f"/api/watchlists/{watchlist.pk}/tickers"),
        ("delete", f"/api/watchlists/{watchlist.pk}/tickers/AAPL"),
        ("post", f"/api/watchlists/{watchlist.pk}/analyze"),
        ("get", f"/api/watchlists/{watchlist.pk}/opportunities"),
        ("get", f"/api/watchlists/{watchlist.pk}/opportunities.csv"),
    ]:
        response = getattr(anon_api, method)(path)
        assert response.status_code == 401, (method, path)
        assert "detail" in response.json()


def test_an_admin_writes_too(desk_admin: Any) -> None:
    client = APIClient()
    client.force_authenticate(desk_admin)
    assert client.post("/api/watchlists", {"name": "Admin's"}, format="json").status_code == 200


def test_session_writes_need_the_csrf_token(pm: Any) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(pm)
    refused = client.post("/api/watchlists", {"name": "No token"}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    secret = "k" * 32  # a CSRF secret as the cookie holds it; the header may carry it unmasked
    client.cookies["csrftoken"] = secret
    accepted = client.post(
        "/api/watchlists", {"name": "With token"}, format="json", headers={"X-CSRFToken": secret}
    )
    assert accepted.status_code == 200
